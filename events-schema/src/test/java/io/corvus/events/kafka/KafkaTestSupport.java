package io.corvus.events.kafka;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;

import io.corvus.events.codec.EventCodec;
import io.corvus.testing.TestBrokers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/** The shared broker of this test JVM, with the catalog's topics created once. */
final class KafkaTestSupport {

    private static boolean topicsCreated;

    private KafkaTestSupport() {
    }

    static synchronized String bootstrapServers() {
        String bootstrapServers = TestBrokers.bootstrapServers();
        if (!topicsCreated) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
                new TopicBootstrap(admin).ensureTopics();
            }
            topicsCreated = true;
        }
        return bootstrapServers;
    }

    static EventPublisher publisher(String service) {
        return new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrapServers(), service)),
                EventCodec.create(), service);
    }

    static KafkaConsumer<String, byte[]> groupConsumer(String service) {
        return new KafkaConsumer<>(KafkaClients.consumerConfig(bootstrapServers(), service,
                service + "-" + UUID.randomUUID()));
    }

    static DeadLetters deadLetters(EventPublisher publisher, String service) {
        return DeadLetters.connect(publisher, KafkaConnection.plain(bootstrapServers()), service, Clock.systemUTC());
    }
}
