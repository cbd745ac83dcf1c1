package io.corvus.events.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.corvus.events.codec.EventCodec;
import io.corvus.events.Topic;
import io.corvus.events.payload.CorvusEvent;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * What a topic holds right now: every committed record from the beginning up to the end offsets
 * taken when reading starts, decoded, in partition order. For tools and tests that must see a
 * topic's whole content (a live reader uses {@link EventPump}).
 */
public final class TopicSnapshot {

    /** One record: its key, and its event or null for a tombstone. */
    public record Entry(String key, CorvusEvent event) {
    }

    private TopicSnapshot() {
    }

    public static List<Entry> read(String bootstrapServers, Topic topic) {
        return read(KafkaConnection.plain(bootstrapServers), topic);
    }

    /** Every record of the topic, on a broker that may need TLS or SASL. */
    public static List<Entry> read(KafkaConnection connection, Topic topic) {
        EventCodec codec = EventCodec.create();
        List<TopicPartition> partitions = topic.topicPartitions();
        List<Entry> entries = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.consumerConfig(connection, "topic-snapshot", null))) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> entries.add(new Entry(record.key(),
                        record.value() == null ? null : codec.fromRecord(record.topic(), record.headers(), record.value()))));
            }
        }
        return entries;
    }

    /** The records whose key starts with {@code keyPrefix} (a cluster, or a cluster's gateway). */
    public static List<Entry> read(String bootstrapServers, Topic topic, String keyPrefix) {
        return read(KafkaConnection.plain(bootstrapServers), topic, keyPrefix);
    }

    public static List<Entry> read(KafkaConnection connection, Topic topic, String keyPrefix) {
        return read(connection, topic).stream().filter(e -> e.key() != null && e.key().startsWith(keyPrefix)).toList();
    }
}
