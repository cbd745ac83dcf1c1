package io.corvus.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.corvus.events.Topic;
import io.corvus.events.kafka.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ./corvus bench-config-writes}: accepted configuration writes per second and the latency
 * from request to broker acknowledgement, through config-service's API on a fresh local stack,
 * next to plain idempotent {@code acks=all} producer sends of a record of the same size to the same
 * broker (the floor any API on Kafka stands on). Prints {@code name=value} lines.
 */
@Command(name = "bench-config-writes", mixinStandardHelpOptions = true, description = "Benchmarks config-service writes against raw Kafka sends (prints name=value lines).")
final class BenchConfigWritesCommand implements Callable<Integer> {

    private static final String RAW_TOPIC = "bench.raw-sends";

    @ParentCommand
    CorvusCommand corvus;

    @Option(names = "--writes", defaultValue = "3000", description = "Measured writes per side (default: ${DEFAULT-VALUE}).")
    int writes;

    @Option(names = "--clients", defaultValue = "16", description = "Concurrent clients, each on its own cluster (default: ${DEFAULT-VALUE}).")
    int clients;

    /** One write: returns its latency in milliseconds, or a negative number when it was refused. */
    private interface Write {
        double run(int client, int index) throws Exception;
    }

    private record Result(double[] latenciesMs, double seconds, int failures) {
        double perSecond() {
            return latenciesMs.length / seconds;
        }

        double percentile(int p) {
            double[] sorted = latenciesMs.clone();
            Arrays.sort(sorted);
            return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
        }

        void print(PrintStream out, String name) {
            out.printf(Locale.ROOT, "%s_writes_per_sec=%.0f%n%s_p50_ms=%.2f%n%s_p99_ms=%.2f%n%s_failures=%d%n",
                    name, perSecond(), name, percentile(50), name, percentile(99), name, failures);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path runFolder = corvus.layout().freshRunFolder("bench");
        try (LocalStack stack = new LocalStack(corvus.layout(), runFolder, new PrintStream(PrintStream.nullOutputStream()))) {
            stack.start(LocalStack.Ports.free(), LocalInventory.read(corvus.layout().inventory()), Set.of());
            ConfigApi api = new ConfigApi(stack.address("config-service"), stack.tokens().admin());
            run(writes / 5, apiWrites(api, "warmup"));
            Result viaApi = run(writes, apiWrites(api, "bench"));

            try (Admin admin = Admin.create(KafkaClients.adminConfig(stack.connection(), "bench-admin"))) {
                admin.createTopics(List.of(new NewTopic(RAW_TOPIC, Topic.PARTITIONS, (short) 1))).all().get();
            }
            Result raw;
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                    KafkaClients.producerConfig(stack.connection(), "bench-raw"))) {
                run(writes / 5, rawSends(producer));
                raw = run(writes, rawSends(producer));
            }
            out.printf(Locale.ROOT, "clients=%d%nwrites=%d%n", clients, writes);
            viaApi.print(out, "api");
            raw.print(out, "raw_producer");
            out.printf(Locale.ROOT, "ratio_api_vs_raw_rate=%.2f%nratio_api_vs_raw_p50=%.2f%n",
                    viaApi.perSecond() / raw.perSecond(), viaApi.percentile(50) / raw.percentile(50));
        }
        return 0;
    }

    /** Runs {@code count} writes spread over the clients; each client's writes are sequential. */
    private Result run(int count, Write write) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Callable<List<Double>>> tasks = new ArrayList<>();
        for (int client = 0; client < clients; client++) {
            int id = client;
            tasks.add(() -> {
                List<Double> latencies = new ArrayList<>();
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    latencies.add(write.run(id, i));
                }
                return latencies;
            });
        }
        long start = System.nanoTime();
        List<Double> all = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<List<Double>> done : executor.invokeAll(tasks)) {
                all.addAll(done.get());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] accepted = all.stream().filter(l -> l >= 0).mapToDouble(Double::doubleValue).toArray();
        return new Result(accepted, seconds, all.size() - accepted.length);
    }

    /** Each client changes its own cluster, with If-Match of its previous write. */
    private Write apiWrites(ConfigApi api, String prefix) throws Exception {
        String[] etags = new String[clients];
        for (int client = 0; client < clients; client++) {
            etags[client] = api.put(prefix + "-" + client, "{}", null).etag();
        }
        return (client, index) -> {
            String body = "{\"cloud\":{\"eipBandwidthMbps\":" + (1 + index % 900) + "}}";
            long start = System.nanoTime();
            ConfigApi.Reply reply = api.put(prefix + "-" + client, body, etags[client]);
            double ms = (System.nanoTime() - start) / 1e6;
            if (reply.status() != 200) {
                return -1;
            }
            etags[client] = reply.etag();
            return ms;
        };
    }

    private static Write rawSends(KafkaProducer<String, byte[]> producer) {
        byte[] value = new byte[900]; // about the size of a configuration event
        return (client, index) -> {
            long start = System.nanoTime();
            producer.send(new ProducerRecord<>(RAW_TOPIC, "bench-" + client, value)).get();
            return (System.nanoTime() - start) / 1e6;
        };
    }
}
