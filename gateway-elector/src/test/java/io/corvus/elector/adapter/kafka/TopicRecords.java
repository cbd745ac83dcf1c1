package io.corvus.elector.adapter.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.corvus.events.EventCodec;
import io.corvus.events.Topic;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.payload.CorvusEvent;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Test view of a topic: every record now on it whose key starts with a prefix; null events are tombstones. */
public final class TopicRecords {

    public record Entry(String key, CorvusEvent event) {
    }

    private TopicRecords() {
    }

    public static List<Entry> read(String bootstrapServers, Topic topic, String keyPrefix) {
        EventCodec codec = EventCodec.create();
        List<TopicPartition> partitions = IntStream.range(0, Topic.PARTITIONS)
                .mapToObj(p -> new TopicPartition(topic.topicName(), p)).toList();
        List<Entry> entries = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.consumerConfig(bootstrapServers, "topic-reader", null))) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (record.key() != null && record.key().startsWith(keyPrefix)) {
                        entries.add(new Entry(record.key(), record.value() == null ? null
                                : codec.fromRecord(record.topic(), record.headers(), record.value())));
                    }
                });
            }
        }
        return entries;
    }
}
