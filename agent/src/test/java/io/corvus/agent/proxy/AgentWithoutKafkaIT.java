package io.corvus.agent.proxy;

import static io.corvus.agent.topology.Topologies.cloud;
import static io.corvus.agent.topology.Topologies.edge;
import static io.corvus.agent.topology.Topologies.member;
import static io.corvus.agent.topology.Topologies.proxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.corvus.agent.AgentPki;
import io.corvus.agent.SharedTopics;
import io.corvus.agent.TestAgent;
import io.corvus.agent.proxy.netty.ProxyRuntime;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * Kafka carries the topology, not the traffic: with the broker gone, a cloud gateway keeps serving
 * its front doors and links on the last topology it read, and stays ready. This class has a
 * broker of its own, since it stops it.
 */
class AgentWithoutKafkaIT {

    private static final String CLUSTER = TestAgent.CLUSTER;

    @Test
    void withTheBrokerGoneTheCloudGatewayKeepsServingOnTheLastTopology() throws Exception {
        AgentPki pki = AgentPki.create();
        try (OwnBroker broker = new OwnBroker();
                TestAgent agent = startedOn(broker, pki);
                EventPublisher upstream = new EventPublisher(new KafkaProducer<>(
                KafkaClients.producerConfig(broker.bootstrapServers(), "topology-test")), EventCodec.create(), "test");
                KubeletLike kubelet = new KubeletLike("edge-1", "127.0.0.1")) {
            upstream.publish(edge(CLUSTER, "hangzhou", 1, 1, member("edge-1", "127.0.0.1"))).get();
            upstream.publish(cloud(CLUSTER, 1, List.of(), proxy("test-node", "127.0.0.1", null))).get();
            ProxyRuntime runtime = agent.proxy();
            await().atMost(Duration.ofSeconds(30)).until(() -> runtime.ports()[0] != 0);
            int linkPort = runtime.ports()[0];
            int httpPort = runtime.ports()[2];

            try (ProxyRuntime edge = EdgeGatewayInTest.dialing(pki, CLUSTER, linkPort, kubelet.port())) {
                await().atMost(Duration.ofSeconds(15)).until(() -> runtime.status().peers().equals(List.of("edge-1")));
                assertThat(podsThrough(httpPort, kubelet.port())).contains("\"node\":\"edge-1\"");

                broker.close();

                // request after request for five seconds without a broker (the agent's consumer and heartbeats fail meanwhile)
                long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                for (int request = 0; System.nanoTime() < until; request++) {
                    assertThat(podsThrough(httpPort, kubelet.port())).as("request %d without Kafka", request)
                            .contains("\"node\":\"edge-1\"");
                }
                assertThat(runtime.status().peers()).containsExactly("edge-1");
                assertThat(runtime.ports()[0]).isEqualTo(linkPort);
                assertThat(agent.health("/q/health/ready").status()).isEqualTo(200);
            }
        }
    }

    private static TestAgent startedOn(OwnBroker broker, AgentPki pki) throws IOException {
        SharedTopics.ensure(broker.bootstrapServers());
        return TestAgent.start(broker.bootstrapServers(), pki.settings());
    }

    private static String podsThrough(int httpPort, int kubeletPort) throws IOException {
        try (RawHttp client = RawHttp.to(httpPort)) {
            client.send("GET /pods HTTP/1.1\r\nHost: edge-1:" + kubeletPort + "\r\n\r\n");
            return client.rest();
        }
    }
}
