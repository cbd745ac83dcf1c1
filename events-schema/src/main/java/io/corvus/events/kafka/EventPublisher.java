package io.corvus.events.kafka;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.corvus.events.codec.EventCodec;
import io.corvus.events.Topic;
import io.corvus.events.payload.CorvusEvent;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes Corvus events: each payload goes to its type's topic under its key, as a CloudEvent.
 * The returned future completes when the broker acknowledged the record ({@code acks=all}) and
 * fails otherwise; {@code publish} itself never throws for a record the producer refuses.
 */
public final class EventPublisher implements AutoCloseable {

    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Producer<String, byte[]> producer;
    private final EventCodec codec;
    private final String source;

    /**
     * @param source the publishing service, the CloudEvents {@code source} ({@code /corvus/<source>})
     */
    public EventPublisher(Producer<String, byte[]> producer, EventCodec codec, String source) {
        this.producer = producer;
        this.codec = codec;
        this.source = source;
    }

    public CompletableFuture<RecordMetadata> publish(CorvusEvent event) {
        return send(codec.toRecord(event, source));
    }

    /** Removes a key from a compacted topic (a deleted node, a deleted cluster's configuration). */
    public CompletableFuture<RecordMetadata> publishTombstone(Topic topic, String key) {
        if (topic.cleanupPolicy() != Topic.CleanupPolicy.COMPACT) {
            throw new IllegalArgumentException(topic.topicName() + " is not compacted: a tombstone would mean nothing there");
        }
        return send(new ProducerRecord<>(topic.topicName(), key, null));
    }

    /**
     * Waits until the producer knows where the topic's partitions are. The first send of a new
     * producer waits for that inside {@code send}; a caller whose events carry the time they were
     * made (a heartbeat) waits here first, so that its first event does not leave seconds old.
     *
     * @throws org.apache.kafka.common.errors.TimeoutException when the broker did not answer within the producer's max.block.ms
     */
    public void awaitMetadata(Topic topic) {
        producer.partitionsFor(topic.topicName());
    }

    private CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    acknowledged.completeExceptionally(error);
                } else {
                    acknowledged.complete(metadata);
                }
            });
        } catch (RuntimeException refused) {
            // a closed producer throws instead of failing the future; callers handle one kind of failure
            acknowledged.completeExceptionally(refused);
        }
        return acknowledged;
    }

    /**
     * Sends what is buffered, waiting at most {@link #CLOSE_TIMEOUT}: with the broker gone, Kafka's own
     * default waits forever and the service could never stop. Events not acknowledged by then fail
     * their futures; callers that need them re-publish on the next start.
     */
    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }
}
