package io.corvus.service;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.corvus.events.Topic;
import io.corvus.events.kafka.EventPump;
import io.corvus.service.work.PartitionOwner;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Cluster ownership through a consumer group, for a service whose replicas each own whole
 * clusters. With the range assignor a replica gets the same partition numbers on every topic, so a
 * partition number stands for a set of clusters. Offsets are never committed: on assignment the
 * compacted topics are read again from the beginning, recent-only topics from a while back, and a
 * partition counts as owned only once it has been read to the end it had when it was assigned
 * ({@link #promoteRebuilt}). On revocation the owner is told at once, on the consumer's thread,
 * before the partitions go to another replica; the owner must not wait
 * for work under way there (a consumer that blocks in a rebalance stalls the whole group).
 */
public final class PartitionOwnership implements ConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(PartitionOwnership.class);

    private final Consumer<String, byte[]> consumer;
    private final List<Topic> rebuiltFromStart;
    private final Map<Topic, Duration> readFromRecent;
    private final Clock clock;
    private final PartitionOwner owner;
    private final Map<Integer, Map<TopicPartition, Long>> rebuilding = new ConcurrentHashMap<>();

    /**
     * @param rebuiltFromStart compacted topics whose whole history makes the state
     * @param readFromRecent   topics read only from this long ago (heartbeats, say)
     */
    public PartitionOwnership(Consumer<String, byte[]> consumer, List<Topic> rebuiltFromStart, Map<Topic, Duration> readFromRecent,
            Clock clock, PartitionOwner owner) {
        this.consumer = consumer;
        this.rebuiltFromStart = List.copyOf(rebuiltFromStart);
        this.readFromRecent = Map.copyOf(readFromRecent);
        this.clock = clock;
        this.owner = owner;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = numbers(partitions);
        numbers.forEach(rebuilding::remove);
        owner.release(numbers);
        LOG.infof("released partitions %s", numbers);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        List<TopicPartition> fromStart = partitions.stream()
                .filter(tp -> rebuiltFromStart.stream().anyMatch(t -> t.topicName().equals(tp.topic()))).toList();
        consumer.seekToBeginning(fromStart);
        Map<TopicPartition, Long> ends = consumer.endOffsets(fromStart);
        readFromRecent.forEach((topic, lookBack) -> seekSince(partitions, topic, lookBack));
        Map<Integer, Map<TopicPartition, Long>> targets = new HashMap<>();
        ends.forEach((tp, end) -> targets.computeIfAbsent(tp.partition(), p -> new HashMap<>()).put(tp, end));
        rebuilding.putAll(targets);
        LOG.infof("assigned partitions %s; rebuilding them from the topics", numbers(partitions));
    }

    /** Hands the partitions that have been read to their assignment-time end to the owner; on the pump's thread. */
    public void promoteRebuilt(EventPump pump) {
        for (var entry : rebuilding.entrySet()) {
            boolean rebuilt = true;
            for (var target : entry.getValue().entrySet()) {
                rebuilt &= pump.hasReached(target.getKey(), target.getValue());
            }
            if (rebuilt && rebuilding.remove(entry.getKey()) != null) {
                owner.own(List.of(entry.getKey()));
                LOG.infof("partition %d rebuilt", entry.getKey());
            }
        }
    }

    private void seekSince(Collection<TopicPartition> partitions, Topic topic, Duration lookBack) {
        long since = clock.instant().minus(lookBack).toEpochMilli();
        Map<TopicPartition, Long> times = partitions.stream().filter(tp -> tp.topic().equals(topic.topicName()))
                .collect(Collectors.toMap(tp -> tp, tp -> since));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
        offsets.forEach((tp, offset) -> {
            if (offset == null) {
                consumer.seekToEnd(List.of(tp));
            } else {
                consumer.seek(tp, offset.offset());
            }
        });
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    }
}
