package io.corvus.events.kafka;

import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.ExecutionException;

import io.corvus.events.payload.DeadLetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Sets aside a record that could not be parsed or applied: it goes to {@code corvus.dlq.v1}
 * under its original key, whole, with the reason. Waits for the broker's acknowledgement, so the
 * caller may commit past the record without losing it.
 */
public final class DeadLetters {

    private final EventPublisher publisher;
    private final String service;
    private final Clock clock;

    public DeadLetters(EventPublisher publisher, String service, Clock clock) {
        this.publisher = publisher;
        this.service = service;
        this.clock = clock;
    }

    public void route(ConsumerRecord<String, byte[]> record, String reason) {
        DeadLetter letter = new DeadLetter(
                record.topic(),
                record.partition(),
                record.offset(),
                record.key(),
                record.value() == null ? null : Base64.getEncoder().encodeToString(record.value()),
                reason,
                service,
                clock.instant());
        try {
            publisher.publish(letter).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting aside " + describe(record), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot set aside " + describe(record) + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    static String describe(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset() + " (key " + record.key() + ")";
    }
}
