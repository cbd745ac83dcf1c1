package io.corvus.agent.proxy;

import static io.corvus.agent.topology.Topologies.cloud;
import static io.corvus.agent.topology.Topologies.edge;
import static io.corvus.agent.topology.Topologies.member;
import static io.corvus.agent.topology.Topologies.neighbourOf;
import static io.corvus.agent.topology.Topologies.proxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.corvus.agent.AgentPki;
import io.corvus.agent.SharedTopics;
import io.corvus.agent.TestAgent;
import io.corvus.agent.proxy.netty.ProxyRuntime;
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
import org.junit.jupiter.api.Test;

/**
 * The agent as a service: topology events on the real broker make it its cluster's cloud gateway
 * (no restart), an edge gateway dials in with a certificate from the same CA, a request reaches a
 * kubelet behind it through the agent's front door, and the heartbeat says so. When the topology
 * moves the role away, the agent stops serving. Another cluster's topology on the same partition
 * changes nothing.
 */
class AgentProxyIT {

    private static final String CLUSTER = TestAgent.CLUSTER;

    @Test
    void theTopologyMakesThisAgentACloudGatewayAnEdgeDialsInAndTheHeartbeatSaysSo() throws Exception {
        String bootstrap = TestBrokers.bootstrapServers();
        SharedTopics.ensure(bootstrap);
        AgentPki pki = AgentPki.create();
        try (TestAgent agent = TestAgent.start(bootstrap, pki.settings());
                EventPublisher upstream = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrap, "topology-test")),
                EventCodec.create(), "test");
                KubeletLike kubelet = new KubeletLike("edge-1", "127.0.0.1")) {
            upstream.publish(edge(CLUSTER, "hangzhou", 1, 1, member("edge-1", "127.0.0.1"))).get();
            upstream.publish(cloud(CLUSTER, 1, List.of(), proxy("test-node", "127.0.0.1", null))).get();
            upstream.publish(cloud(neighbourOf(CLUSTER), 1, List.of(), proxy("test-node", "127.0.0.1", null))).get(); // another cluster
            ProxyRuntime runtime = agent.proxy();
            await().atMost(Duration.ofSeconds(30)).until(() -> runtime.ports()[0] != 0);
            int linkPort = runtime.ports()[0];
            int httpPort = runtime.ports()[2];

            try (ProxyRuntime edge = EdgeGatewayInTest.dialing(pki, CLUSTER, linkPort, kubelet.port())) {
                await().atMost(Duration.ofSeconds(15)).until(() -> runtime.status().peers().equals(List.of("edge-1")));

                try (RawHttp client = RawHttp.to(httpPort)) {
                    client.send("GET /pods HTTP/1.1\r\nHost: edge-1:" + kubelet.port() + "\r\n\r\n");
                    assertThat(client.rest()).contains("\"node\":\"edge-1\"");
                }
                TestAgent.Answer ready = agent.health("/q/health/ready");
                assertThat(ready.status()).isEqualTo(200);
                assertThat(ready.checkNames()).contains("corvus-proxy");
                AgentHeartbeat beat = awaitHeartbeat(bootstrap, h -> h.tunnelPeers().contains("edge-1") && h.bytesOut() > 0);
                assertThat(beat.roles()).containsExactly(AgentHeartbeat.Role.PROXY_SERVER);
                assertThat(beat.topologyGeneration()).isEqualTo(1);

                upstream.publish(cloud(CLUSTER, 2, List.of(), proxy("another-node", "10.0.0.9", null))).get();
                await().atMost(Duration.ofSeconds(15)).until(() -> runtime.ports()[0] == 0);
                await().atMost(Duration.ofSeconds(15)).until(() -> edge.status().peers().isEmpty());
                assertThat(awaitHeartbeat(bootstrap, h -> h.topologyGeneration() == 2).roles()).isEmpty();
            }
        }
    }

    private static AgentHeartbeat awaitHeartbeat(String bootstrap, Predicate<AgentHeartbeat> wanted) {
        EventCodec codec = EventCodec.create();
        TopicPartition partition = new TopicPartition(Topic.AGENT_STATUS.topicName(), ClusterPartitioner.partitionFor(CLUSTER, Topic.PARTITIONS));
        List<AgentHeartbeat> seen = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumerConfig(bootstrap, "heartbeat-check", null))) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add((AgentHeartbeat) codec.fromRecord(r.topic(), r.headers(), r.value())));
                return seen.stream().anyMatch(h -> h.nodeName().equals("test-node") && wanted.test(h));
            });
        }
        return seen.stream().filter(h -> h.nodeName().equals("test-node") && wanted.test(h)).reduce((a, b) -> b).orElseThrow();
    }
}
