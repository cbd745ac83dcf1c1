package io.corvus.events.kafka;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** Where a reader outside any consumer group starts: at the beginning, at the end, or at a time. */
public final class Positions {

    private Positions() {
    }

    /**
     * Moves the assigned {@code partitions} to the first record at or after {@code since}:
     * {@link Instant#EPOCH} is the beginning (resolved at the first poll, so this does not wait
     * for the broker), null the end (what arrives from now on) and a time the first record at or
     * after it; those two ask the broker now, so that records arriving meanwhile are not skipped,
     * and fail with Kafka's {@code TimeoutException} when it does not answer.
     */
    public static void seek(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, Instant since) {
        if (Instant.EPOCH.equals(since)) {
            consumer.seekToBeginning(partitions);
            return;
        }
        consumer.seekToEnd(partitions); // where no record is that recent
        if (since != null) {
            Map<TopicPartition, Long> at = new HashMap<>();
            partitions.forEach(p -> at.put(p, since.toEpochMilli()));
            consumer.offsetsForTimes(at).forEach((partition, found) -> {
                if (found != null) {
                    consumer.seek(partition, found.offset());
                }
            });
        }
        partitions.forEach(consumer::position);
    }
}
