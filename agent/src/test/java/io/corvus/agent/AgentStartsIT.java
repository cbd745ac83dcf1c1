package io.corvus.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import io.corvus.testing.TestBrokers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the services' start contract asks, for the agent's own endpoints: it answers its health
 * probes (with the broker not deciding readiness: an agent forwards without it, see
 * AgentWithoutKafkaIT) and exposes Prometheus metrics, its Kafka clients' and its pump's among them.
 */
class AgentStartsIT {

    private static TestAgent agent;

    @BeforeAll
    static void start() throws Exception {
        String bootstrap = TestBrokers.bootstrapServers();
        SharedTopics.ensure(bootstrap);
        agent = TestAgent.start(bootstrap, Map.of());
    }

    @AfterAll
    static void stop() {
        agent.close();
    }

    @Test
    void itIsReadyWithoutAskingTheBroker() throws Exception {
        TestAgent.Answer ready = agent.health("/q/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.state()).isEqualTo("UP");
        assertThat(ready.checkNames()).containsExactlyInAnyOrder("corvus-proxy", "corvus-tunnel");
    }

    @Test
    void itIsAliveWhileItsConsumingLoopRuns() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.health("/q/health/live").body().path("checks").get(0)
                .path("data").path("pumps").asInt() == 1);
        TestAgent.Answer live = agent.health("/q/health/live");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.checkNames()).containsExactly("corvus-event-pumps");
        assertThat(agent.health("/q/health").checkNames()).containsExactlyInAnyOrder("corvus-event-pumps", "corvus-proxy", "corvus-tunnel");
    }

    @Test
    void itExposesPrometheusMetrics() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.metrics().contains("corvus_events_handled_total{"));
        assertThat(agent.metrics()).contains("jvm_threads_live_threads", "kafka_producer_", "kafka_consumer_",
                "corvus_events_handled_total{pump=\"topology\"}", "corvus_events_dead_lettered_total{pump=\"topology\"}", "# EOF");
    }

    @Test
    void aPathBelowAHealthEndpointIsNotFound() throws Exception {
        assertThat(agent.health("/q/health/ready/more").status()).isEqualTo(404);
    }
}
