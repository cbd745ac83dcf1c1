package io.corvus.events;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.utils.Utils;

/**
 * Places a record by the clusterId part of its key, so all events of one cluster, on every topic,
 * land in partitions with the same number. Producers use it through {@code partitioner.class};
 * agents use {@link #partitionFor} to {@code assign()} the one partition that holds their cluster.
 */
public final class ClusterPartitioner implements Partitioner {

    /** The partition of a key: murmur2 of its clusterId part, as Kafka's default partitioner hashes keys. */
    public static int partitionFor(String key, int partitionCount) {
        if (partitionCount <= 0) {
            throw new IllegalArgumentException("partitionCount must be positive, got " + partitionCount);
        }
        if (key == null) {
            return 0; // only a dead letter can lack a key; it still needs a home
        }
        byte[] clusterId = EventKey.clusterPart(key).getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(clusterId)) % partitionCount;
    }

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        String keyText = key == null ? null : key.toString();
        return partitionFor(keyText, cluster.partitionCountForTopic(topic));
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure
    }

    @Override
    public void close() {
        // nothing to release
    }
}
