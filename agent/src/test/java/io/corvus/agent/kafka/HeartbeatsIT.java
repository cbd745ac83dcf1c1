package io.corvus.agent.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.corvus.events.ClusterPartitioner;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.Topic;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.agent.SharedTopics;
import io.corvus.agent.TestAgent;
import io.corvus.testing.TestBrokers;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class HeartbeatsIT {

    @Test
    void theAgentKeepsPublishingHeartbeatsForItsNodeInItsClustersPartition() throws Exception {
        SharedTopics.ensure(TestBrokers.bootstrapServers());
        try (TestAgent agent = TestAgent.start(TestBrokers.bootstrapServers(), Map.of())) {
            assertHeartbeats();
        }
    }

    private static void assertHeartbeats() {
        EventCodec codec = EventCodec.create();
        TopicPartition partition = new TopicPartition(Topic.AGENT_STATUS.topicName(),
                ClusterPartitioner.partitionFor("test-cluster", Topic.PARTITIONS));
        List<AgentHeartbeat> received = new CopyOnWriteArrayList<>();

        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.consumerConfig(TestBrokers.bootstrapServers(), "heartbeat-reader", null))) {
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition)); // this agent's beats: agents of earlier tests said their last word here
            consumer.position(partition);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> received.add(
                        (AgentHeartbeat) codec.fromRecord(record.topic(), record.headers(), record.value())));
                return received.size() >= 3;
            });
        }

        assertThat(received).allSatisfy(heartbeat -> {
            assertThat(heartbeat.clusterId()).isEqualTo("test-cluster");
            assertThat(heartbeat.nodeName()).isEqualTo("test-node");
        });
        assertThat(received).extracting(AgentHeartbeat::sentAt).isSorted().doesNotHaveDuplicates();
        assertThat(received).extracting(AgentHeartbeat::lostPeers).containsOnly(List.of());
        assertThat(received).extracting(AgentHeartbeat::stopping).containsOnly(false);
    }
}
