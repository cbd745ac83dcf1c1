package io.corvus.elector.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.corvus.events.Raven;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.TopicBootstrap;
import io.corvus.events.kafka.TopicSnapshot;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NodeObserved;
import io.corvus.kafka.broker.KraftBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real pause: an elector replica in its own process is stopped (SIGSTOP) past its consumer's
 * session timeout, a second replica takes its partitions and publishes, and the first is woken
 * (SIGCONT) and publishes what it held. Readers never see that topology. The broker is the test's
 * own, so that no other elector joins the group.
 */
class PausedElectorIT {

    private static final String CLUSTER = "paused";

    @Test
    void aReplicaPausedPastItsSessionTimeoutPublishesNothingAfterItsSuccessorTookOver(@TempDir Path data) throws Exception {
        try (KraftBroker broker = KraftBroker.start(data.resolve("broker"), 0)) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                new TopicBootstrap(admin).ensureTopics();
            }
            Path output = data.resolve("paused-elector.log");
            Process paused = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), PausableElector.class.getName(), bootstrap, CLUSTER)
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            try (Heartbeats agents = new Heartbeats(bootstrap);
                    EventPublisher upstream = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrap, "upstream")),
                            EventCodec.create(), "test")) {
                await().atMost(Duration.ofSeconds(90)).until(() -> log(output).contains(PausableElector.OWNS_ALL));
                upstream.publish(new ConfigChanged(CLUSTER, 1, Instant.now(), "test", ElectorReplicasIT.config())).get();
                for (String node : List.of("n1", "n2")) {
                    upstream.publish(node(node)).get();
                    agents.start(CLUSTER, node);
                }
                GatewayTopology first = await().atMost(Duration.ofSeconds(60)).until(() -> latest(bootstrap),
                        t -> t != null && !t.endpoints().isEmpty());
                String elected = first.endpoints().getFirst().nodeName();

                signal("STOP", paused);
                try (ElectorReplica successor = new ElectorReplica(bootstrap)) {
                    // the group waits out the paused member's session timeout before the successor may rebuild and elect
                    await().atMost(Duration.ofSeconds(120)).until(() -> successor.owned().size() == Topic.PARTITIONS);
                    agents.silence(CLUSTER, elected);
                    GatewayTopology moved = await().atMost(Duration.ofSeconds(30)).until(() -> latest(bootstrap),
                            t -> t.generation() > first.generation() && !t.endpoints().isEmpty()
                                    && !t.endpoints().getFirst().nodeName().equals(elected));

                    signal("CONT", paused);
                    await().atMost(Duration.ofSeconds(60)).until(() -> log(output).contains(PausableElector.WOKE));
                    String woke = log(output).lines().filter(line -> line.startsWith(PausableElector.WOKE)).findFirst().orElseThrow();
                    System.out.println("the paused replica " + woke);

                    assertThat(woke).doesNotContain("PUBLISHED").contains("FENCED");
                    List<GatewayTopology> seen = TopicSnapshot.read(bootstrap, Topic.TOPOLOGY, CLUSTER + "/").stream()
                            .map(entry -> (GatewayTopology) entry.event()).toList();
                    assertThat(seen).as("what readers see").noneMatch(t -> t.endpoints().stream()
                            .anyMatch(e -> e.nodeName().equals(PausableElector.ZOMBIE_ENDPOINT)));
                    assertThat(seen).extracting(GatewayTopology::generation).doesNotHaveDuplicates().isSorted();
                    assertThat(seen.getLast()).isEqualTo(moved);
                }
            } finally {
                paused.destroyForcibly();
            }
        }
    }

    private static void signal(String signal, Process process) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        assertThat(exit).as("kill -%s", signal).isZero();
    }

    private static String log(Path output) throws IOException {
        return Files.exists(output) ? Files.readString(output) : "";
    }

    private static GatewayTopology latest(String bootstrap) {
        List<TopicSnapshot.Entry> entries = TopicSnapshot.read(bootstrap, Topic.TOPOLOGY, CLUSTER + "/");
        return entries.isEmpty() ? null : (GatewayTopology) entries.getLast().event();
    }

    private static NodeObserved node(String name) {
        return NodeObserved.of(CLUSTER, name, Map.of(Raven.DEFAULT_NODE_POOL_KEY, "edge", "openyurt.io/is-edge-worker", "true"), true,
                List.of("192.168.0." + name.length()), List.of(), List.of(), Instant.now());
    }
}
