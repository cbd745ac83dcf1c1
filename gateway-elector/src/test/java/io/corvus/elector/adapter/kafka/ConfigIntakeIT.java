package io.corvus.elector.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.corvus.elector.app.ClusterConfigurations;
import io.corvus.events.EventCodec;
import io.corvus.events.Topic;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.kafka.broker.KafkaBrokerTestResource;
import io.corvus.kafka.broker.TestBrokers;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * The foundation's end-to-end check: an event written by another module's producer (the shared
 * events-schema publisher, as config-service uses it) reaches the elector's consumer through the
 * real broker.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerTestResource.class, scope = TestResourceScope.GLOBAL)
class ConfigIntakeIT {

    @Inject
    ClusterConfigurations configurations;

    @Test
    void aConfigurationPublishedByAnotherModuleReachesTheElector() throws Exception {
        try (EventPublisher configService = new EventPublisher(
                new KafkaProducer<>(KafkaClients.producerConfig(TestBrokers.bootstrapServers(), "config-service-test")),
                EventCodec.create(), "config-service")) {
            configService.publish(config("intake-1", 1, true)).get();
            configService.publish(config("intake-1", 2, false)).get();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(configurations.current("intake-1"))
                    .hasValueSatisfying(held -> {
                        assertThat(held.revision()).isEqualTo(2);
                        assertThat(held.config().proxy().enabled()).isFalse();
                    }));

            configService.publishTombstone(Topic.CONFIG, "intake-1").get();
            await().atMost(Duration.ofSeconds(30)).until(() -> configurations.current("intake-1").isEmpty());
        }
    }

    private static ConfigChanged config(String clusterId, long revision, boolean proxy) {
        return new ConfigChanged(clusterId, revision, Instant.now(), "test", new NetworkConfig(
                new NetworkConfig.ModeSettings(proxy), new NetworkConfig.ModeSettings(false), List.of(), Map.of(),
                new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool", "openyurt.io/is-edge-worker=true"),
                new NetworkConfig.CloudSettings("local", null, null, null, 100, null)));
    }
}
