package io.corvus.launcher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.codec.EventFormatException;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.corvus.events.kafka.Positions;
import io.corvus.events.view.Overview;
import io.corvus.events.view.OverviewSnapshot;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads what the topics hold now into an {@link Overview}: every topic from its beginning, but the
 * heartbeats only from a little while ago (the latest of each node is all that is shown, and the
 * topic keeps an hour of them).
 */
final class OverviewReader {

    /** Heartbeats older than this are not read: an agent silent for that long is shown as never heard. */
    static final Duration HEARTBEAT_LOOK_BACK = Duration.ofMinutes(5);

    private OverviewReader() {
    }

    static OverviewSnapshot read(KafkaConnection connection) {
        Overview overview = new Overview();
        EventCodec codec = EventCodec.create();
        Instant now = Instant.now();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumerConfig(connection, "corvus-show", null))) {
            List<TopicPartition> all = new ArrayList<>();
            for (Topic topic : Topic.values()) {
                all.addAll(topic.topicPartitions());
            }
            consumer.assign(all);
            for (Topic topic : Topic.values()) {
                Positions.seek(consumer, topic.topicPartitions(), topic == Topic.AGENT_STATUS ? now.minus(HEARTBEAT_LOOK_BACK) : Instant.EPOCH);
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(all);
            while (all.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Topic topic = Topic.byName(record.topic()).orElseThrow();
                    if (record.value() == null) {
                        overview.remove(topic, record.key());
                        continue;
                    }
                    try {
                        overview.apply(codec.fromRecord(record.topic(), record.headers(), record.value()));
                    } catch (EventFormatException unreadable) {
                        // the services set it aside on corvus.dlq.v1, where show counts it
                    }
                }
            }
        }
        return overview.snapshot(Instant.now());
    }
}
