package io.corvus.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KraftBrokerIT {

    @Test
    void aRecordWrittenBeforeARestartIsReadAfterItFromTheSameDataDirectory(@TempDir Path dataDirectory) throws Exception {
        try (KraftBroker broker = KraftBroker.start(dataDirectory, 0)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("survives", 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("survives", "c1/a", "hello")).get();
            }
        }

        try (KraftBroker restarted = KraftBroker.start(dataDirectory, 0)) {
            assertThat(readAll(restarted.bootstrapServers(), "survives"))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("hello");
        }
    }

    @Test
    void topicsAreNeverCreatedByFirstUse(@TempDir Path dataDirectory) throws Exception {
        try (KraftBroker broker = KraftBroker.start(dataDirectory, 0);
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            try (KafkaConsumer<String, String> consumer = consumer(broker.bootstrapServers())) {
                consumer.partitionsFor("not-in-the-catalog", Duration.ofSeconds(2));
            } catch (org.apache.kafka.common.errors.TimeoutException expected) {
                // metadata for an unknown topic never arrives
            }
            Set<String> names = admin.listTopics().names().get();
            assertThat(names).doesNotContain("not-in-the-catalog");
        }
    }

    private static List<ConsumerRecord<String, String>> readAll(String bootstrapServers, String topic) {
        try (KafkaConsumer<String, String> consumer = consumer(bootstrapServers)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }

    private static KafkaConsumer<String, String> consumer(String bootstrapServers) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "true"),
                new StringDeserializer(), new StringDeserializer());
    }
}
