package io.corvus.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.corvus.events.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.NetworkConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ./corvus demo}: starts a fresh stack on free ports, publishes a sample configuration,
 * prints each event that follows, checks that the expected ones arrived, and stops the stack.
 * Exits 1 when an expected event does not arrive in time.
 */
@Command(name = "demo", description = "Starts a fresh stack, publishes a sample configuration, prints the events that follow, then stops.")
final class DemoCommand implements Callable<Integer> {

    static final String STACK = "demo";
    static final String CLUSTER = "demo";
    static final LocalStack.LocalNode NODE = new LocalStack.LocalNode(CLUSTER, "local-node-1");

    @ParentCommand
    CorvusCommand corvus;

    @Option(names = "--timeout", description = "How long to wait for each expected event (default: ${DEFAULT-VALUE}).",
            defaultValue = "PT60S")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path runFolder = corvus.layout().runFolder(STACK);
        deleteRecursively(runFolder);
        try (LocalStack stack = new LocalStack(corvus.layout(), runFolder, out)) {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(stack::close));
            out.println("== starting a fresh stack (broker process, services, local agent)");
            stack.start(LocalStack.Ports.free(), NODE);
            UpCommand.printTable(out, stack, runFolder);

            out.println("== events on the topics, as they arrive");
            try (EventWatcher watcher = new EventWatcher(stack.bootstrapServers(), out, true).start();
                    EventPublisher publisher = new EventPublisher(
                            new KafkaProducer<>(KafkaClients.producerConfig(stack.bootstrapServers(), "corvus-demo")),
                            EventCodec.create(), "corvus-demo")) {
                ConfigChanged sample = sampleConfiguration();
                publisher.publish(sample).get();
                List<Expectation> unmet = Expectation.awaitAll(expectations(sample), watcher, timeout);
                if (!unmet.isEmpty()) {
                    unmet.forEach(e -> System.err.println("DEMO FAILED: " + e.description() + " did not arrive within "
                            + timeout.toSeconds() + " s; logs are in " + runFolder.resolve("logs")));
                    return 1;
                }
            }
            out.println("== every expected event arrived; stopping the stack");
        }
        out.println("== demo finished");
        return 0;
    }

    /** Proxy on, tunnel off, the seed's example whitelist plus the CLB health-check range. */
    static ConfigChanged sampleConfiguration() {
        return new ConfigChanged(CLUSTER, 1, Instant.now(), "corvus-demo", new NetworkConfig(
                new NetworkConfig.ModeSettings(true),
                new NetworkConfig.ModeSettings(false),
                List.of("203.0.113.0/24", "198.51.100.7/32", "100.64.0.0/10"),
                Map.of(),
                new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool", "openyurt.io/is-edge-worker=true"),
                new NetworkConfig.CloudSettings("local", null, null, null, 100, null)));
    }

    static List<Expectation> expectations(ConfigChanged sample) {
        return List.of(
                new Expectation("the configuration event of cluster " + CLUSTER,
                        event -> event instanceof ConfigChanged c && c.clusterId().equals(CLUSTER) && c.revision() == sample.revision()),
                new Expectation("a heartbeat of agent " + NODE.nodeName(),
                        event -> event instanceof AgentHeartbeat h && h.nodeName().equals(NODE.nodeName())));
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
