package io.corvus.events.kafka;

import java.time.Duration;
import java.util.Map;

import io.corvus.events.ClusterPartitioner;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The client settings every Corvus producer and consumer starts from. */
public final class KafkaClients {

    /** How long the broker holds an idle follower's fetch ({@link #followerConfig}). */
    public static final Duration FOLLOWER_LONG_POLL = Duration.ofSeconds(5);

    private KafkaClients() {
    }

    /** Idempotent, {@code acks=all}, records placed by {@link ClusterPartitioner}. */
    public static Map<String, Object> producerConfig(KafkaConnection connection, String clientId) {
        Map<String, Object> config = connection.clientConfig();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, ClusterPartitioner.class.getName());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }

    /**
     * A producer holding {@code transactionalId}: the writer of one partition that only one
     * replica may write at a time. Its {@code initTransactions()} fences every earlier producer
     * with the same id. It fails within seconds, not minutes, when the broker is away.
     */
    public static Map<String, Object> transactionalProducerConfig(KafkaConnection connection, String clientId, String transactionalId) {
        Map<String, Object> config = producerConfig(connection, clientId);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8_000);
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15_000);
        return config;
    }

    /**
     * Values are read as raw bytes and decoded by {@link io.corvus.events.codec.EventCodec}, so that a
     * record that cannot be decoded reaches the dead-letter topic whole instead of stalling the
     * consumer. Offsets are committed by {@link EventPump} after each record is handled.
     *
     * @param groupId the consumer group, or null for a consumer that {@code assign()}s partitions
     */
    public static Map<String, Object> consumerConfig(KafkaConnection connection, String clientId, String groupId) {
        Map<String, Object> config = connection.clientConfig();
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return config;
    }

    /**
     * A consumer that {@code assign()}s the one partition it follows (an agent its cluster's
     * topology): the broker holds each fetch until records arrive or {@link #FOLLOWER_LONG_POLL}
     * passed, so an idle follower asks once per long poll instead of twice a second, and a
     * thousand idle agents cost the broker (and a simulator hosting them) a tenth of the requests.
     * Records are answered as soon as they are committed, whatever the wait. Follow it with
     * {@link EventPump#longPolling}.
     */
    public static Map<String, Object> followerConfig(KafkaConnection connection, String clientId) {
        Map<String, Object> config = consumerConfig(connection, clientId, null);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) FOLLOWER_LONG_POLL.toMillis());
        return config;
    }

    public static Map<String, Object> adminConfig(KafkaConnection connection, String clientId) {
        Map<String, Object> config = connection.clientConfig();
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return config;
    }

    /** A producer's settings for a broker reached in the clear (the tests', the local run's). */
    public static Map<String, Object> producerConfig(String bootstrapServers, String clientId) {
        return producerConfig(KafkaConnection.plain(bootstrapServers), clientId);
    }

    /** A follower's settings for a broker reached in the clear (the tests', the local run's). */
    public static Map<String, Object> followerConfig(String bootstrapServers, String clientId) {
        return followerConfig(KafkaConnection.plain(bootstrapServers), clientId);
    }

    /** A consumer's settings for a broker reached in the clear (the tests', the local run's). */
    public static Map<String, Object> consumerConfig(String bootstrapServers, String clientId, String groupId) {
        return consumerConfig(KafkaConnection.plain(bootstrapServers), clientId, groupId);
    }
}
