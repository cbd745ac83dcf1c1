package io.corvus.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.corvus.events.Topic;
import io.corvus.kafka.broker.KraftBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uses a broker of its own, so that it can plant a topic with the wrong settings. */
class TopicBootstrapIT {

    @Test
    void createsEveryCatalogTopicOnceAndReportsATopicWhoseSettingsDiffer(@TempDir Path dataDirectory) throws Exception {
        try (KraftBroker broker = KraftBroker.start(dataDirectory, 0);
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("corvus.provisioning.v1", 3, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
            TopicBootstrap bootstrap = new TopicBootstrap(admin);

            BootstrapReport first = bootstrap.ensureTopics();
            BootstrapReport second = bootstrap.ensureTopics();

            List<String> others = Arrays.stream(Topic.values()).map(Topic::topicName)
                    .filter(name -> !name.equals("corvus.provisioning.v1")).toList();
            assertThat(first.created()).containsExactlyInAnyOrderElementsOf(others);
            assertThat(first.consistent()).isFalse();
            assertThat(first.drifts()).extracting(BootstrapReport.Drift::setting)
                    .containsExactlyInAnyOrder("partitions", "cleanup.policy");
            assertThat(first.drifts()).extracting(BootstrapReport.Drift::explain).anySatisfy(explanation -> assertThat(explanation)
                    .isEqualTo("topic corvus.provisioning.v1: cleanup.policy is compact but the Corvus catalog says delete; "
                            + "fix it with: kafka-configs.sh --bootstrap-server BROKER --alter --entity-type topics "
                            + "--entity-name corvus.provisioning.v1 --add-config cleanup.policy=delete"));

            assertThat(second.created()).as("idempotent").isEmpty();
            assertThat(second.unchanged()).containsExactlyInAnyOrderElementsOf(others);
            assertThat(second.drifts()).isEqualTo(first.drifts());

            var described = admin.describeTopics(List.of("corvus.config.v1")).allTopicNames().get().get("corvus.config.v1");
            assertThat(described.partitions()).hasSize(Topic.PARTITIONS);
        }
    }
}
