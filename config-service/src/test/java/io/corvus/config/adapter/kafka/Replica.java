package io.corvus.config.adapter.kafka;

import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.corvus.config.app.ConfigService;
import io.corvus.config.app.ConfigStore;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.EventPump;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.corvus.service.Eventing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * One config-service replica's core, wired by hand as CDI wires it: its own store, follower,
 * transactional log and Kafka clients. Several in one JVM behave as several replicas would.
 */
final class Replica implements AutoCloseable {

    final ConfigStore store = new ConfigStore();
    final ConfigService service;
    private final ConfigFollower follower;
    private final TransactionalConfigLog log;
    private final EventPump pump;
    private final Admin admin;
    private final EventPublisher deadLetterPublisher;
    private final DeadLetters deadLetters;

    Replica(String bootstrapServers, String name) {
        EventCodec codec = EventCodec.create();
        Eventing eventing = new Eventing(Map.of("bootstrap.servers", bootstrapServers), "config-service");
        admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
        follower = new ConfigFollower(store, admin);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.consumerConfig(bootstrapServers, "replica-" + name, null));
        List<TopicPartition> partitions = Topic.CONFIG.topicPartitions();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        deadLetterPublisher = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrapServers, name)),
                codec, "config-service");
        deadLetters = DeadLetters.connect(deadLetterPublisher, KafkaConnection.plain(bootstrapServers), "config-service",
                Clock.systemUTC());
        pump = new EventPump("replica-" + name, consumer, codec, follower,
                deadLetters, false).start();
        follower.follow(pump);
        log = new TransactionalConfigLog(eventing, codec, store, follower, new SimpleMeterRegistry());
        service = new ConfigService(log, store, Clock.systemUTC());
        await().atMost(Duration.ofSeconds(60)).until(follower::rebuilt);
    }

    @Override
    public void close() {
        log.closeAll(null);
        pump.close();
        deadLetters.close();
        deadLetterPublisher.close();
        admin.close();
    }
}
