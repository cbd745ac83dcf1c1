package io.corvus.events.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.codec.EventFormatException;
import io.corvus.events.payload.DeadLetter;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Sets aside a record that could not be parsed or applied: it goes to {@code corvus.dlq.v1}
 * under its original key, whole, with the reason. Waits for the broker's acknowledgement, so the
 * caller may commit past the record without losing it.
 *
 * <p>Once per service: readers rebuild their state from offset 0 on every start and rebalance,
 * and would otherwise set the same poison record aside each time. Before a record goes, the
 * ledger reads what was added to the dead-letter topic since it last looked and skips a record
 * this service (any replica, any earlier process) already set aside. The topic is read only
 * when a poison record comes, from where the ledger stopped.
 */
public final class DeadLetters implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(30);

    private final EventPublisher publisher;
    private final Consumer<String, byte[]> ledgerReader;
    private final EventCodec codec;
    private final String service;
    private final Clock clock;
    /** Where the records this service set aside came from. */
    private final Set<Origin> setAside = new HashSet<>();
    private boolean assigned;

    /** A record's place: topic, partition, offset. */
    private record Origin(String topic, int partition, long offset) {
    }

    /**
     * @param ledgerReader a consumer of no group, for this instance alone: it is assigned the
     *                     dead-letter topic's partitions and closed with it
     */
    public DeadLetters(EventPublisher publisher, Consumer<String, byte[]> ledgerReader, EventCodec codec, String service, Clock clock) {
        this.publisher = publisher;
        this.ledgerReader = ledgerReader;
        this.codec = codec;
        this.service = service;
        this.clock = clock;
    }

    /** Dead letters of {@code service} on the broker {@code connection} names, with a ledger reader of their own. */
    public static DeadLetters connect(EventPublisher publisher, KafkaConnection connection, String service, Clock clock) {
        return new DeadLetters(publisher, new KafkaConsumer<>(KafkaClients.consumerConfig(connection, service + "-dead-letter-ledger", null)),
                EventCodec.create(), service, clock);
    }

    /** Sets the record aside unless this service already did; true when it was set aside now. */
    public synchronized boolean route(ConsumerRecord<String, byte[]> record, String reason) {
        Origin origin = new Origin(record.topic(), record.partition(), record.offset());
        catchUp();
        if (setAside.contains(origin)) {
            LOG.debugf("%s was set aside before by %s: not again", describe(record), service);
            return false;
        }
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
        setAside.add(origin);
        return true;
    }

    /**
     * Reads the letters added since the last look, up to the end the topic had when it began.
     * A ledger that cannot catch up within the limit lets the letter go anyway: twice is better
     * than never.
     */
    private void catchUp() {
        List<TopicPartition> partitions = Topic.DLQ.topicPartitions(); // the catalog's, no metadata request per letter
        if (!assigned) {
            ledgerReader.assign(partitions);
            ledgerReader.seekToBeginning(partitions);
            assigned = true;
        }
        Map<TopicPartition, Long> ends = ledgerReader.endOffsets(partitions);
        long giveUp = System.nanoTime() + CATCH_UP_LIMIT.toNanos(); // real time: this waits on the broker
        while (ends.entrySet().stream().anyMatch(end -> ledgerReader.position(end.getKey()) < end.getValue())) {
            if (System.nanoTime() - giveUp > 0) {
                LOG.warnf("%s cannot read the dead-letter topic to its end within %s: a record it set aside before may be set aside again",
                        service, CATCH_UP_LIMIT);
                return;
            }
            for (ConsumerRecord<String, byte[]> letter : ledgerReader.poll(Duration.ofMillis(200))) {
                remember(letter);
            }
        }
    }

    private void remember(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            if (codec.fromRecord(record.topic(), record.headers(), record.value()) instanceof DeadLetter letter
                    && service.equals(letter.failedService())) {
                setAside.add(new Origin(letter.originalTopic(), letter.originalPartition(), letter.originalOffset()));
            }
        } catch (EventFormatException e) {
            LOG.debugf("skipping an unreadable record on the dead-letter topic (%s): %s", describe(record), e.getMessage());
        }
    }

    static String describe(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset() + " (key " + record.key() + ")";
    }

    @Override
    public synchronized void close() {
        ledgerReader.close();
    }
}
