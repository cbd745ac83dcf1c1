package io.corvus.config.adapter.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.corvus.events.EventCodec;
import io.corvus.events.Topic;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.payload.ConfigChanged;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Test view of what {@code corvus.config.v1} holds: every committed record, read with a fresh consumer. */
public final class ConfigTopic {

    /** One record: its key and its event, or null for a tombstone. */
    public record Entry(String key, ConfigChanged event) {
    }

    private ConfigTopic() {
    }

    public static List<Entry> read(String bootstrapServers) {
        EventCodec codec = EventCodec.create();
        List<TopicPartition> partitions = IntStream.range(0, Topic.PARTITIONS)
                .mapToObj(p -> new TopicPartition(Topic.CONFIG.topicName(), p)).toList();
        List<Entry> entries = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.consumerConfig(bootstrapServers, "config-topic-reader", null))) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> entries.add(new Entry(record.key(),
                        record.value() == null ? null
                                : (ConfigChanged) codec.fromRecord(record.topic(), record.headers(), record.value()))));
            }
        }
        return entries;
    }

    public static List<Entry> of(String bootstrapServers, String clusterId) {
        return read(bootstrapServers).stream().filter(e -> e.key().equals(clusterId)).toList();
    }
}
