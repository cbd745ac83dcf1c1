package io.corvus.service;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventHandler;
import io.corvus.events.kafka.EventPump;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.service.work.PartitionOwner;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;

/**
 * A service replica that owns whole clusters: one consumer in the service's group reads its
 * topics with the range assignor (the same partition numbers on every topic), and ownership
 * follows {@link PartitionOwnership}: after each poll, partitions read up to the end they had when
 * they were assigned are handed to the owner. The events themselves go to the handler, which only
 * records them and marks clusters dirty; the work happens elsewhere (a
 * {@link io.corvus.service.work.ClusterWorkQueue}).
 */
public final class OwnedClusters {

    private final EventPump pump;

    /**
     * @param rebuiltFromStart compacted topics read from the beginning on assignment
     * @param readFromRecent   other topics, read from this long ago on assignment
     */
    public OwnedClusters(Eventing eventing, EventCodec codec, DeadLetters deadLetters, Clock clock, List<Topic> rebuiltFromStart,
            Map<Topic, Duration> readFromRecent, PartitionOwner owner, EventHandler handler) {
        Map<String, Object> config = KafkaClients.consumerConfig(eventing.connection(), eventing.serviceName(),
                eventing.serviceName());
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config);
        PartitionOwnership ownership = new PartitionOwnership(consumer, rebuiltFromStart, readFromRecent, clock, owner);
        consumer.subscribe(Stream.concat(rebuiltFromStart.stream(), readFromRecent.keySet().stream()).map(Topic::topicName).toList(),
                ownership);
        pump = new EventPump(eventing.serviceName(), consumer, codec, handler, deadLetters, false);
        pump.afterEachPoll(() -> ownership.promoteRebuilt(pump));
    }

    /** The consuming loop, not yet started (register it with {@link EventPumps} or start it). */
    public EventPump pump() {
        return pump;
    }

    /** Stops consuming (a replica going away); the group gives its partitions to the others. */
    public void close() {
        pump.close();
    }
}
