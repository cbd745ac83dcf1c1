package io.corvus.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.corvus.events.Raven;
import io.corvus.events.view.OverviewSnapshot;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code corvus benchmark proxy}: requests through the running system's proxy, their rate, latency and bytes;
 * {@code corvus benchmark tunnel}: traffic between pods of two pools.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true, description = "Measures the running system.",
        subcommands = {BenchmarkCommand.Proxy.class, BenchmarkCommand.Tunnel.class})
final class BenchmarkCommand {

    /** The figures as a MEASURE/VALUE table, or as one JSON or YAML object. */
    static void printMeasures(Output output, Map<String, Object> figures) {
        output.print(System.out, figures, () -> {
            Output.Table table = new Output.Table("", "MEASURE", "VALUE");
            figures.forEach(table::row);
            return table;
        });
    }

    @Command(name = "proxy", mixinStandardHelpOptions = true,
            description = {"Sends requests through the cloud gateway's HTTP door to a node of an edge pool, each on a new stream (as "
                    + "kubectl logs and exec open them), and prints requests per second, latency percentiles and the bytes received."})
    static final class Proxy extends ClusterCommand implements Callable<Integer> {

        private static final Duration PROGRESS = Duration.ofSeconds(1);


        @Option(names = "--door", paramLabel = "HOST:PORT",
                description = "The cloud gateway's HTTP door (default: the cloud proxy endpoint's address, port " + Raven.PROXY_HTTP_PORT + ").")
        String door;

        @Option(names = "--target", paramLabel = "NODE:PORT",
                description = "What the requests ask for (default: a node of the first edge pool that is not its gateway, port 10250).")
        String requestTarget;

        @Option(names = "--path", defaultValue = "/", description = "The path requested (default: ${DEFAULT-VALUE}).")
        String path;

        @Option(names = "--requests", defaultValue = "500", description = "How many requests (default: ${DEFAULT-VALUE}).")
        int requests;

        @Option(names = "--concurrency", defaultValue = "8", description = "How many at a time (default: ${DEFAULT-VALUE}).")
        int concurrency;

        @Override
        public Integer call() throws Exception {
            if (requests < 1 || concurrency < 1) {
                throw new CliFailure(CliFailure.Exit.FAILED, "--requests and --concurrency must be at least 1");
            }
            OverviewSnapshot.Cluster state = Findings.cluster(target, cluster);
            InetSocketAddress address = ProxyDoor.address(state, door).orElseThrow(() -> new CliFailure(CliFailure.Exit.FAILED,
                    "cluster " + cluster + " has no cloud proxy endpoint to send through; name the door with --door HOST:PORT"));
            String host = requestTarget != null ? requestTarget : state.gateways().stream().filter(OverviewSnapshot.Gateway::edge)
                    .findFirst().map(g -> ProxyDoor.target(g, 10250)).orElseThrow(() -> new CliFailure(CliFailure.Exit.FAILED,
                            "cluster " + cluster + " has no edge pool; name what to request with --target NODE:PORT"));
            Map<String, Object> result = run(address, host);
            printMeasures(output, result);
            return ((Number) result.get("failed")).intValue() == requests ? CliFailure.Exit.FAILED.code() : 0;
        }

        private Map<String, Object> run(InetSocketAddress address, String host) throws Exception {
            System.err.printf("sending %d requests for %s%s through %s, %d at a time ...%n", requests, host, path, address, concurrency);
            long[] latencies = new long[requests];
            AtomicInteger next = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicLong bytes = new AtomicLong();
            List<String> firstFailure = new ArrayList<>();
            long started = System.nanoTime();
            CountDownLatch finished = new CountDownLatch(concurrency);
            try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> running = new ArrayList<>();
                for (int worker = 0; worker < concurrency; worker++) {
                    running.add(workers.submit(() -> {
                        try {
                            for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                                long begin = System.nanoTime();
                                String failure = request(address, host, bytes);
                                latencies[i] = System.nanoTime() - begin;
                                if (failure != null) {
                                    failed.incrementAndGet();
                                    synchronized (firstFailure) {
                                        if (firstFailure.isEmpty()) {
                                            firstFailure.add(failure);
                                        }
                                    }
                                }
                                done.incrementAndGet();
                            }
                        } finally {
                            finished.countDown();
                        }
                        return null;
                    }));
                }
                while (!finished.await(PROGRESS.toMillis(), TimeUnit.MILLISECONDS)) {
                    System.err.printf("  %d/%d done, %d failed%n", done.get(), requests, failed.get());
                }
                for (Future<?> future : running) {
                    future.get(); // a worker's failure, if any, ends the benchmark with it
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("door", address.toString());
            result.put("target", host + path);
            result.put("requests", requests);
            result.put("concurrency", concurrency);
            result.put("failed", failed.get());
            if (!firstFailure.isEmpty()) {
                result.put("firstFailure", firstFailure.getFirst());
            }
            result.put("seconds", LatencySummary.round(seconds));
            result.put("requestsPerSecond", LatencySummary.round(requests / seconds));
            result.putAll(LatencySummary.ofNanos(latencies).figures("latency"));
            result.put("receivedBytesPerSecond", Math.round(bytes.get() / seconds));
            return result;
        }

        /** One request on a new connection; null when the target answered, else what went wrong. */
        private String request(InetSocketAddress address, String host, AtomicLong bytes) {
            try {
                ProxyProbe answer = ProxyProbe.get(address, host, path);
                bytes.addAndGet(answer.body().length());
                boolean fromTheDoor = answer.status() == 0 || answer.status() == 403 || answer.status() == 502 || answer.status() == 503;
                return fromTheDoor ? answer.firstLine() + " " + answer.body() : null;
            } catch (IOException e) {
                return e.toString();
            }
        }
    }

    @Command(name = "tunnel", mixinStandardHelpOptions = true,
            description = {"Measures the path between two pods of different pools, which tunnel mode carries: run it with --serve in "
                    + "a pod of one pool (kubectl run --image corvus/cli ... -- benchmark tunnel --serve), then with --to that pod's "
                    + "address in a pod of another pool. Prints throughput with one stream and with several, the latency of 1 KiB "
                    + "requests on a kept connection, and new connections per second."})
    static final class Tunnel implements Callable<Integer> {

        @ArgGroup(exclusive = true, multiplicity = "1")
        Role role;

        static final class Role {
            @Option(names = "--serve", description = "Answer the measurements of another pod until stopped (Ctrl-C).")
            boolean serve;

            @Option(names = "--to", paramLabel = "ADDRESS[:PORT]",
                    description = "The pod running --serve (port " + PodTraffic.DEFAULT_PORT + " unless given).")
            String to;
        }

        @Option(names = "--listen", paramLabel = "ADDRESS[:PORT]", defaultValue = "0.0.0.0:" + PodTraffic.DEFAULT_PORT,
                description = "With --serve: where to listen (default: ${DEFAULT-VALUE}).")
        String listen;

        @Option(names = "--seconds", defaultValue = "5", description = "How long each throughput measurement sends (default: ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--streams", defaultValue = "8", description = "The connections of the second throughput measurement (default: ${DEFAULT-VALUE}).")
        int streams;

        @Option(names = "--requests", defaultValue = "2000", description = "How many 1 KiB requests on one connection (default: ${DEFAULT-VALUE}).")
        int requests;

        @Option(names = "--connections", defaultValue = "200", description = "How many new connections, one after the other (default: ${DEFAULT-VALUE}).")
        int connections;

        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            if (role.serve) {
                return serve();
            }
            if (seconds < 1 || streams < 1 || requests < 1 || connections < 1) {
                throw new CliFailure(CliFailure.Exit.FAILED, "--seconds, --streams, --requests and --connections must be at least 1");
            }
            PodTraffic.Client client = new PodTraffic.Client(HostPort.parse(role.to, "--to", PodTraffic.DEFAULT_PORT));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("to", client.server().getHostString() + ":" + client.server().getPort());
            Duration each = Duration.ofSeconds(seconds);
            System.err.printf("one stream to %s for %d s ...%n", client.server(), seconds);
            PodTraffic.Throughput one = client.throughput(1, each);
            result.put("oneStreamMbitPerSecond", one.megabitsPerSecond());
            result.put("oneStreamBytes", one.bytes());
            System.err.printf("%d streams for %d s ...%n", streams, seconds);
            PodTraffic.Throughput many = client.throughput(streams, each);
            result.put("streams", streams);
            result.put("streamsMbitPerSecond", many.megabitsPerSecond());
            result.put("streamsBytes", many.bytes());
            System.err.printf("%d requests of %d bytes on one connection ...%n", requests, PodTraffic.REQUEST_BYTES);
            result.put("requests", requests);
            result.putAll(client.requestResponse(requests).figures("request"));
            System.err.printf("%d new connections ...%n", connections);
            long started = System.nanoTime();
            LatencySummary connecting = client.connections(connections);
            result.put("connections", connections);
            result.put("newConnectionsPerSecond", LatencySummary.round(connections / ((System.nanoTime() - started) / 1e9)));
            result.putAll(connecting.figures("connect"));
            printMeasures(output, result);
            return 0;
        }

        private int serve() throws Exception {
            try (PodTraffic.Server server = new PodTraffic.Server(HostPort.parse(listen, "--listen", PodTraffic.DEFAULT_PORT))) {
                System.err.println("answering corvus benchmark tunnel --to on " + server.address() + "; Ctrl-C stops");
                server.serve();
            }
            return 0;
        }
    }
}
