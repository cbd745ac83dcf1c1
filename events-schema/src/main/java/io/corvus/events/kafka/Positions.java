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
     * {@link Instant#EPOCH} is the beginning, null the end (what arrives from now on). The
     * positions are fixed now, not at the first poll.
     */
    public static void seek(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, Instant since) {
        if (Instant.EPOCH.equals(since)) {
            consumer.seekToBeginning(partitions);
        } else {
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
        }
        partitions.forEach(consumer::position);
    }
}
