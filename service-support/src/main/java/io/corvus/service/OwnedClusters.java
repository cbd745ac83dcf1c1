package io.corvus.service;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.corvus.events.EventCodec;
import io.corvus.events.Topic;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventHandler;
import io.corvus.events.kafka.EventPump;
import io.corvus.events.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.jboss.logging.Logger;

/**
 * A service replica that owns whole clusters: one consumer in the service's group reads its
 * topics with the range assignor (the same partition numbers on every topic), ownership follows
 * {@link PartitionOwnership}, and a tick promotes rebuilt partitions and then runs the service's
 * work for the clusters it owns.
 */
public final class OwnedClusters {

    private static final Logger LOG = Logger.getLogger(OwnedClusters.class);

    private final EventPump pump;
    private final PartitionOwnership ownership;
    private volatile boolean running;

    /**
     * @param rebuiltFromStart compacted topics read from the beginning on assignment
     * @param readFromRecent   other topics, read from this long ago on assignment
     */
    public OwnedClusters(Eventing eventing, EventCodec codec, DeadLetters deadLetters, Clock clock, List<Topic> rebuiltFromStart,
            Map<Topic, Duration> readFromRecent, PartitionOwnership.Owner owner, EventHandler handler) {
        Map<String, Object> config = KafkaClients.consumerConfig(eventing.bootstrapServers(), eventing.serviceName(),
                eventing.serviceName());
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config);
        ownership = new PartitionOwnership(consumer, rebuiltFromStart, readFromRecent, clock, owner);
        List<String> topics = java.util.stream.Stream.concat(rebuiltFromStart.stream(), readFromRecent.keySet().stream())
                .map(Topic::topicName).toList();
        consumer.subscribe(topics, ownership);
        pump = new EventPump(eventing.serviceName(), consumer, codec, handler, deadLetters, false);
    }

    /** The consuming loop, not yet started (register it with {@link EventPumps} or start it). */
    public EventPump pump() {
        return pump;
    }

    /** Every {@code tick}: hand rebuilt partitions to the owner, then run {@code work}. */
    public void startTicking(Duration tick, ThrowingRunnable work) {
        running = true;
        Thread.ofVirtual().name(pump.name() + "-tick").start(() -> {
            while (running) {
                try {
                    ownership.promoteRebuilt(pump);
                    work.run();
                    TimeUnit.MILLISECONDS.sleep(tick.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    LOG.warnf("a round failed, will retry: %s", e.getMessage());
                }
            }
        });
    }

    public void stopTicking() {
        running = false;
    }

    /** Stops ticking and consuming (a replica going away). */
    public void close() {
        running = false;
        pump.close();
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }
}
