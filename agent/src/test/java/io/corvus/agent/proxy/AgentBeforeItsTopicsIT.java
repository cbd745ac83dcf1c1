package io.corvus.agent.proxy;

import static io.corvus.agent.topology.Topologies.cloud;
import static io.corvus.agent.topology.Topologies.proxy;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.corvus.agent.proxy.netty.ProxyRuntime;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.TopicBootstrap;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * An agent as it runs in a cluster creates no topics (the launcher or the chart does): started
 * before they exist, it serves its health, and follows the topology once they are there.
 */
@QuarkusTest
@WithTestResource(value = OwnBroker.class, scope = TestResourceScope.RESTRICTED_TO_CLASS,
        initArgs = @ResourceArg(name = OwnBroker.AGENT_CREATES_TOPICS, value = "false"))
@WithTestResource(value = AgentPkiResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class AgentBeforeItsTopicsIT {

    @Inject
    ProxyRuntime runtime;

    @Test
    void anAgentStartedBeforeTheTopicsExistFollowsTheTopologyOnceTheyAreCreated() throws Exception {
        given().when().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", OwnBroker.broker.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).as("the agent created no topic").isEmpty();
            new TopicBootstrap(admin).ensureTopics();
        }
        try (EventPublisher upstream = new EventPublisher(new KafkaProducer<>(
                KafkaClients.producerConfig(OwnBroker.broker.bootstrapServers(), "topology-test")), EventCodec.create(), "test")) {
            upstream.publish(cloud("test-cluster", 1, List.of(), proxy("test-node", "127.0.0.1", null))).get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> runtime.ports()[0] != 0);
    }
}
