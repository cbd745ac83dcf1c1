package io.corvus.events.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.corvus.events.EventKey;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.codec.EventFormatException;
import io.corvus.events.payload.CorvusEvent;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * The one consuming loop of every Corvus service. It owns a consumer on a virtual thread, decodes
 * each record with {@link EventCodec}, hands it to an {@link EventHandler}, and routes a record
 * that cannot be parsed or applied to the dead-letter topic with the reason before going on with
 * the next one. Offsets of a consumer group are committed after each poll's records are handled
 * (at-least-once).
 */
public final class EventPump implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EventPump.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(250);
    /** How long closing waits for the consumer to end its session with the broker (a group's leave, offsets). */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Consumer<String, byte[]> consumer;
    private final EventCodec codec;
    private final EventHandler handler;
    private final DeadLetters deadLetters;
    private final boolean commitOffsets;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final LongAdder handled = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private volatile Runnable afterEachPoll = () -> { };
    private volatile Duration pollTimeout = POLL_TIMEOUT;
    private volatile Duration closeTimeout = CLOSE_TIMEOUT;
    /** The one cluster whose records this pump reads, or null for every cluster. */
    private volatile String onlyCluster;

    /**
     * @param consumer      subscribed or assigned by the caller; from now on used only by the pump
     * @param commitOffsets true for a consumer group; false for a consumer that {@code assign()}s
     */
    public EventPump(String name, Consumer<String, byte[]> consumer, EventCodec codec, EventHandler handler,
            DeadLetters deadLetters, boolean commitOffsets) {
        this.name = name;
        this.consumer = consumer;
        this.codec = codec;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.commitOffsets = commitOffsets;
    }

    /**
     * Runs {@code hook} on the pump's thread after each poll's records are handled and its positions
     * recorded (a consumer group's owner promotes the partitions it finished rebuilding). Set it
     * before {@link #start}.
     */
    public EventPump afterEachPoll(Runnable hook) {
        if (started.get()) {
            throw new IllegalStateException("pump " + name + " is running: set its hook before it starts");
        }
        afterEachPoll = hook;
        return this;
    }

    /**
     * For a follower's consumer ({@link KafkaClients#followerConfig}), whose fetch the broker holds
     * for {@code longPoll}: the pump waits as long in each poll instead of waking four times a
     * second to find nothing, and closing does not wait for the held fetch to end (a follower has
     * no group to leave and no offsets to commit). Records are handled as soon as they arrive.
     * Set it before {@link #start}.
     */
    public EventPump longPolling(Duration longPoll) {
        if (started.get()) {
            throw new IllegalStateException("pump " + name + " is running: choose how it polls before it starts");
        }
        if (inGroup()) {
            throw new IllegalStateException("pump " + name + " reads for a consumer group: it must close its session, not drop it");
        }
        pollTimeout = longPoll;
        closeTimeout = Duration.ZERO;
        return this;
    }

    private boolean inGroup() {
        try {
            consumer.groupMetadata();
            return true;
        } catch (InvalidGroupIdException noGroup) {
            return false;
        }
    }

    /**
     * Passes over, unread, the records of every other cluster: a partition holds the events of
     * every cluster hashed to it, and a reader of one cluster (an agent) need not decode the
     * others'. Neither handled nor dead-lettered: their own readers judge them. Set it before
     * {@link #start}.
     */
    public EventPump onlyCluster(String clusterId) {
        if (started.get()) {
            throw new IllegalStateException("pump " + name + " is running: choose its cluster before it starts");
        }
        onlyCluster = clusterId;
        return this;
    }

    /** Starts consuming on a virtual thread named after the pump. */
    public EventPump start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("pump " + name + " was already started");
        }
        running.set(true);
        Thread.ofVirtual().name("event-pump-" + name).start(this::run);
        return this;
    }

    private void run() {
        try {
            while (running.get()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                for (ConsumerRecord<String, byte[]> record : records) {
                    dispatch(record);
                }
                if (commitOffsets && !records.isEmpty()) {
                    consumer.commitSync();
                }
                recordPositions();
                afterEachPoll.run();
            }
        } catch (WakeupException e) {
            if (running.get()) {
                LOG.errorf(e, "pump %s was woken up while running", name);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "pump %s stopped: %s", name, e.getMessage());
        } finally {
            running.set(false);
            consumer.close(closeTimeout);
            stopped.countDown();
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> record) {
        if (onlyCluster != null && record.key() != null && !EventKey.clusterPart(record.key()).equals(onlyCluster)) {
            return;
        }
        Optional<Topic> topic = Topic.byName(record.topic());
        if (topic.isEmpty()) {
            setAside(record, "topic " + record.topic() + " is not in the Corvus catalog");
            return;
        }
        if (record.value() == null) {
            apply(record, () -> handler.onTombstone(topic.get(), record.key()));
            return;
        }
        CorvusEvent payload;
        try {
            payload = codec.fromRecord(record.topic(), record.headers(), record.value());
        } catch (EventFormatException e) {
            LOG.warnf("pump %s: cannot parse %s: %s", name, DeadLetters.describe(record), e.getMessage());
            setAside(record, "cannot parse: " + e.getMessage());
            return;
        }
        if (record.key() == null || !record.key().equals(payload.recordKey())) {
            setAside(record, "cannot parse: key '" + record.key() + "' does not match the event's key '"
                    + payload.recordKey() + "'");
            return;
        }
        ReceivedEvent event = new ReceivedEvent(topic.get(), record.partition(), record.offset(), record.key(), payload);
        apply(record, () -> handler.onEvent(event));
    }

    private void apply(ConsumerRecord<String, byte[]> record, HandlerCall call) {
        try {
            call.run();
            handled.increment();
        } catch (Exception e) {
            LOG.warnf("pump %s: cannot apply %s: %s", name, DeadLetters.describe(record), e.getMessage());
            setAside(record, "cannot apply: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private void setAside(ConsumerRecord<String, byte[]> record, String reason) {
        if (deadLetters.route(record, reason)) {
            deadLettered.increment();
        }
    }

    /** Records handled so far: events and tombstones the handler took. */
    public long handledCount() {
        return handled.sum();
    }

    /** Records set aside so far on the dead-letter topic. */
    public long deadLetteredCount() {
        return deadLettered.sum();
    }

    /** The pump's consumer, for its client metrics only ({@code metrics()} is safe from any thread; nothing else is). */
    public Consumer<String, byte[]> metricsSource() {
        return consumer;
    }

    /** Remembers how far each assigned partition has been read and handled, and wakes waiters. */
    private void recordPositions() {
        Map<TopicPartition, Long> now = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            now.put(partition, consumer.position(partition));
        }
        synchronized (positions) {
            positions.clear();
            positions.putAll(now);
            positions.notifyAll();
        }
    }

    /**
     * Waits until every record of {@code partition} below {@code offset} has been handled (or set
     * aside), for a caller that must see a partition's state up to a known point before it acts.
     *
     * @return false when the timeout passed first, or the partition is not this pump's
     */
    public boolean awaitPosition(TopicPartition partition, long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (positions) {
            while (positions.getOrDefault(partition, -1L) < offset) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !running.get()) {
                    return false;
                }
                positions.wait(left);
            }
            return true;
        }
    }

    /** Whether every record of {@code partition} below {@code offset} has been handled, without waiting. */
    public boolean hasReached(TopicPartition partition, long offset) {
        synchronized (positions) {
            return positions.getOrDefault(partition, -1L) >= offset;
        }
    }

    @FunctionalInterface
    private interface HandlerCall {
        void run() throws Exception;
    }

    public String name() {
        return name;
    }

    public boolean isRunning() {
        return running.get();
    }

    /** Stops the loop and closes the consumer; waits up to five seconds for it. */
    @Override
    public void close() {
        if (!started.get()) {
            consumer.close();
            return;
        }
        if (running.compareAndSet(true, false)) {
            consumer.wakeup();
        }
        try {
            stopped.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
