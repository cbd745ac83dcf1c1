package io.corvus.agent.proxy;

import static io.corvus.agent.topology.Topologies.cloud;
import static io.corvus.agent.topology.Topologies.proxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.corvus.agent.AgentPki;
import io.corvus.agent.TestAgent;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.TopicBootstrap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * An agent as it runs in a cluster creates no topics (the launcher or the chart does): started
 * before they exist, it serves its health, and follows the topology once they are there.
 */
class AgentBeforeItsTopicsIT {

    @Test
    void anAgentStartedBeforeTheTopicsExistFollowsTheTopologyOnceTheyAreCreated() throws Exception {
        try (OwnBroker broker = new OwnBroker(); TestAgent agent = TestAgent.start(broker.bootstrapServers(), AgentPki.create().settings())) {
            TestAgent.Answer live = agent.health("/q/health/live");
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.state()).isEqualTo("UP");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).as("the agent created no topic").isEmpty();
                new TopicBootstrap(admin).ensureTopics();
            }
            try (EventPublisher upstream = new EventPublisher(new KafkaProducer<>(
                    KafkaClients.producerConfig(broker.bootstrapServers(), "topology-test")), EventCodec.create(), "test")) {
                upstream.publish(cloud(TestAgent.CLUSTER, 1, List.of(), proxy(TestAgent.NODE, "127.0.0.1", null))).get();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.proxy().ports()[0] != 0);
        }
    }
}
