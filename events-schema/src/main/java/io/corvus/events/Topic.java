package io.corvus.events;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import org.apache.kafka.common.TopicPartition;

/**
 * The topic catalog: every topic Corvus uses, with its key format and settings. This enum is the
 * only place where topic names are spelled; services refer to {@code Topic.CONFIG.topicName()}.
 */
public enum Topic {
    /** Compacted, but every revision stays readable for 30 days: config-service rebuilds its history from it. */
    CONFIG("corvus.config.v1", KeyFormat.CLUSTER, CleanupPolicy.COMPACT, Duration.ofDays(30)),
    NODES("corvus.nodes.v1", KeyFormat.CLUSTER_AND_NAME, CleanupPolicy.COMPACT, null),
    AGENT_STATUS("corvus.agent-status.v1", KeyFormat.CLUSTER_AND_NAME, CleanupPolicy.DELETE, Duration.ofHours(1)),
    TOPOLOGY("corvus.topology.v1", KeyFormat.CLUSTER_AND_NAME, CleanupPolicy.COMPACT, null),
    PROVISIONING("corvus.provisioning.v1", KeyFormat.CLUSTER, CleanupPolicy.DELETE, Duration.ofDays(7)),
    CLOUD_STATE("corvus.cloud-state.v1", KeyFormat.CLUSTER, CleanupPolicy.COMPACT, null),
    DLQ("corvus.dlq.v1", KeyFormat.ORIGINAL, CleanupPolicy.DELETE, Duration.ofDays(14));

    /**
     * One partition count for every topic, so that a clusterId maps to the same partition number on
     * all of them and the replica that owns a cluster sees all of its events.
     */
    public static final int PARTITIONS = 12;

    /** How a topic's record key is built. */
    public enum KeyFormat {
        /** {@code clusterId} */
        CLUSTER,
        /** {@code clusterId/name}: a node name or a gateway name */
        CLUSTER_AND_NAME,
        /** the key of the record that could not be processed, unchanged */
        ORIGINAL
    }

    public enum CleanupPolicy {
        COMPACT("compact"), DELETE("delete");

        private final String kafkaValue;

        CleanupPolicy(String kafkaValue) {
            this.kafkaValue = kafkaValue;
        }

        public String kafkaValue() {
            return kafkaValue;
        }
    }

    private final String topicName;
    private final KeyFormat keyFormat;
    private final CleanupPolicy cleanupPolicy;
    private final Duration retention;

    /**
     * @param retention for a delete-policy topic, how long records are kept; for a compacted one,
     *                  how long every record stays before compaction may drop older values of a key
     */
    Topic(String topicName, KeyFormat keyFormat, CleanupPolicy cleanupPolicy, Duration retention) {
        this.topicName = topicName;
        this.keyFormat = keyFormat;
        this.cleanupPolicy = cleanupPolicy;
        this.retention = retention;
    }

    public String topicName() {
        return topicName;
    }

    public KeyFormat keyFormat() {
        return keyFormat;
    }

    public CleanupPolicy cleanupPolicy() {
        return cleanupPolicy;
    }

    /**
     * Retention of a delete-policy topic, or the history window of a compacted one (its newest value
     * per key is kept for ever); empty for a compacted topic that keeps only the newest values.
     */
    public Optional<Duration> retention() {
        return Optional.ofNullable(retention);
    }

    public int partitions() {
        return PARTITIONS;
    }

    /** Every partition of this topic, for a reader that {@code assign()}s them all. */
    public List<TopicPartition> topicPartitions() {
        return IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topicName, p)).toList();
    }

    /** The topic-level Kafka settings this catalog entry fixes. */
    public Map<String, String> kafkaConfigs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", cleanupPolicy.kafkaValue());
        retention().ifPresent(r -> configs.put(cleanupPolicy == CleanupPolicy.COMPACT ? "min.compaction.lag.ms" : "retention.ms",
                String.valueOf(r.toMillis())));
        return Map.copyOf(configs);
    }

    public static Optional<Topic> byName(String topicName) {
        for (Topic topic : values()) {
            if (topic.topicName.equals(topicName)) {
                return Optional.of(topic);
            }
        }
        return Optional.empty();
    }
}
