package io.corvus.agent.boot;

import static io.corvus.agent.topology.Topologies.cloud;
import static io.corvus.agent.topology.Topologies.proxy;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.corvus.agent.AgentPki;
import io.corvus.agent.SharedTopics;
import io.corvus.agent.TestAgent;
import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.testing.TestBrokers;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real agent process, started as {@code AgentMain} is in a pod, whose gateway role goes. */
class AgentRestartsInPlaceIT {

    /** Its own cluster: the compacted topology topic holds other tests' newer generations of test-cluster. */
    private static final String CLUSTER = "restarting-cluster";
    private static final String NODE = TestAgent.NODE;
    /** Netty's native transport, loaded when a proxy role first needs a socket. */
    private static final String ROLE_LIBRARY = "netty_transport_native_epoll";

    private final EventCodec codec = EventCodec.create();

    @Test
    void anAgentWhoseGatewayRoleGoesStartsAfreshInTheSameProcessWithoutWhatTheRoleLoaded(@TempDir Path folder) throws Exception {
        String bootstrap = TestBrokers.bootstrapServers();
        SharedTopics.ensure(bootstrap);
        Path log = folder.resolve("agent.log");
        Process agent = start(bootstrap, AgentPki.create().settings(), log);
        try (EventPublisher upstream = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrap, "restart-test")),
                codec, "test");
                KafkaConsumer<String, byte[]> heartbeats = heartbeatsFromNow(bootstrap)) {
            upstream.publish(cloud(CLUSTER, 1, List.of(), proxy(NODE, "127.0.0.1", null))).get();
            Beats beats = new Beats(heartbeats, agent, log);
            beats.await(0, beat -> beat.roles().contains(AgentHeartbeat.Role.PROXY_SERVER));
            assertThat(mappedFiles(agent)).as("the proxy role's native library").contains(ROLE_LIBRARY);

            upstream.publish(cloud(CLUSTER, 2, List.of(), proxy("another-node", "10.0.0.9", null))).get();
            int stopped = beats.await(0, AgentHeartbeat::stopping);
            beats.await(stopped + 1, beat -> !beat.stopping() && beat.topologyGeneration() == 2 && beat.roles().isEmpty());

            assertThat(agent.isAlive()).as("the same process, started afresh").isTrue();
            assertThat(Files.readString(log)).contains("holds no gateway role any more").containsPattern("(?s)started;.*started;");
            assertThat(mappedFiles(agent)).as("a fresh program never loaded the role's library").doesNotContain(ROLE_LIBRARY);
        } finally {
            agent.destroy();
            assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("the restarted agent stops on SIGTERM").isTrue();
        }
    }

    private static Process start(String bootstrap, Map<String, String> pki, Path log) throws IOException {
        Map<String, String> ownCluster = new HashMap<>(pki);
        ownCluster.put("corvus.agent.cluster-id", CLUSTER);
        ownCluster.put("corvus.agent.restart-after-gateway-role-gone-for", "1s"); // the grace (60 s by default) shortened
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx64m",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        TestAgent.settings(bootstrap, ownCluster).forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.add(AgentMain.class.getName());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private KafkaConsumer<String, byte[]> heartbeatsFromNow(String bootstrap) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumerConfig(bootstrap, "restart-heartbeats", null));
        TopicPartition partition = new TopicPartition(Topic.AGENT_STATUS.topicName(), ClusterPartitioner.partitionFor(CLUSTER, Topic.PARTITIONS));
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition);
        return consumer;
    }

    /** This node's heartbeats in the order sent, read while the agent process lives. */
    private final class Beats {

        private final KafkaConsumer<String, byte[]> consumer;
        private final Process agent;
        private final Path log;
        private final List<AgentHeartbeat> seen = new ArrayList<>();

        Beats(KafkaConsumer<String, byte[]> consumer, Process agent, Path log) {
            this.consumer = consumer;
            this.agent = agent;
            this.log = log;
        }

        /** Reads until a heartbeat from the {@code from}th on is as wanted; returns its place. */
        int await(int from, Predicate<AgentHeartbeat> wanted) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).failFast("the agent process ended; its output is in " + log, () -> !agent.isAlive())
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                            AgentHeartbeat beat = (AgentHeartbeat) codec.fromRecord(record.topic(), record.headers(), record.value());
                            if (beat.clusterId().equals(CLUSTER) && beat.nodeName().equals(NODE)) {
                                seen.add(beat);
                            }
                        });
                        return found(from, wanted) >= 0;
                    });
            return found(from, wanted);
        }

        private int found(int from, Predicate<AgentHeartbeat> wanted) {
            for (int i = from; i < seen.size(); i++) {
                if (wanted.test(seen.get(i))) {
                    return i;
                }
            }
            return -1;
        }
    }

    private static String mappedFiles(Process process) throws IOException {
        return Files.readString(Path.of("/proc/" + process.pid() + "/maps"));
    }
}
