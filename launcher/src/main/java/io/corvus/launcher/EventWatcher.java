package io.corvus.launcher;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.codec.EventFormatException;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.corvus.events.kafka.Positions;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CorvusEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Reads every partition of the selected catalog topics (no consumer group: it disturbs no service)
 * and prints each selected event as it arrives, one line each by default. Heartbeats repeat every
 * second, so a node's heartbeat is printed only when what its agent does changes. Everything read
 * is kept for {@link Expectation}s to look at.
 */
final class EventWatcher implements AutoCloseable {

    /** One record as read: its event, or null with {@code problem} saying why it could not be read (null for a tombstone). */
    record Seen(Instant at, String topic, String key, CorvusEvent event, String problem) {

        /** The event's short type, as lines show it: {@code topology.changed}, or {@code tombstone}, {@code UNREADABLE}. */
        String type() {
            return event != null ? EventLine.type(event) : problem == null ? "tombstone" : "UNREADABLE";
        }
    }

    /**
     * What to print.
     *
     * @param clusterId only this cluster's events, or all when null
     * @param types     only these short types ({@code agent.heartbeat}), or all when empty
     * @param since     from this time on; {@link Instant#EPOCH} for all the topics hold; null for what arrives from now on
     */
    record Selection(String clusterId, Set<Topic> topics, Set<String> types, Instant since) {

        static final Selection EVERYTHING = new Selection(null, EnumSet.allOf(Topic.class), Set.of(), Instant.EPOCH);

        Selection {
            topics = topics.isEmpty() ? EnumSet.allOf(Topic.class) : EnumSet.copyOf(topics);
            types = Set.copyOf(types);
        }

        boolean wants(Seen seen) {
            return (clusterId == null || seen.key() != null && (seen.key().equals(clusterId) || seen.key().startsWith(clusterId + "/"))
                    || seen.event() != null && clusterId.equals(seen.event().clusterId()))
                    && (types.isEmpty() || types.contains(seen.type()));
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventCodec codec = EventCodec.create();
    private final PrintStream out;
    private final Selection selection;
    private final Function<Seen, String> format;
    private final List<CorvusEvent> seen = new CopyOnWriteArrayList<>();
    /** What each agent did in its last printed heartbeat: its roles, link peers and tunnel state. */
    private final Map<String, String> nodesHeard = new HashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread thread;

    /** Every event the topics hold and will hold, one line each. */
    static EventWatcher fromBeginning(KafkaConnection connection, PrintStream out) {
        return new EventWatcher(connection, out, Selection.EVERYTHING, EventLine::of);
    }

    EventWatcher(KafkaConnection connection, PrintStream out, Selection selection, Function<Seen, String> format) {
        this.out = out;
        this.selection = selection;
        this.format = format;
        this.consumer = new KafkaConsumer<>(KafkaClients.consumerConfig(connection, "corvus-watch", null));
        List<TopicPartition> partitions = selection.topics().stream().flatMap(t -> t.topicPartitions().stream()).toList();
        consumer.assign(partitions);
        Positions.seek(consumer, partitions, selection.since());
    }

    EventWatcher start() {
        thread = Thread.ofVirtual().name("corvus-watch").start(this::run);
        return this;
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    print(record);
                }
            }
        } catch (WakeupException stopping) {
            // close() was called
        } finally {
            consumer.close();
        }
    }

    private void print(ConsumerRecord<String, byte[]> record) {
        Instant at = Instant.ofEpochMilli(record.timestamp());
        Seen read;
        if (record.value() == null) {
            read = new Seen(at, record.topic(), record.key(), null, null);
        } else {
            try {
                read = new Seen(at, record.topic(), record.key(), codec.fromRecord(record.topic(), record.headers(), record.value()), null);
            } catch (EventFormatException e) {
                read = new Seen(at, record.topic(), record.key(), null, e.getMessage());
            }
        }
        if (!selection.wants(read)) {
            return;
        }
        if (read.event() != null) {
            seen.add(read.event());
        }
        if (read.event() instanceof AgentHeartbeat heartbeat) {
            String doing = heartbeat.roles() + " " + heartbeat.linkedPeers() + " " + heartbeat.stopping()
                    + (heartbeat.tunnel() == null ? "" : " " + heartbeat.tunnel().state() + " " + heartbeat.tunnel().peers().stream()
                            .map(p -> p.nodeName() + (Boolean.TRUE.equals(p.probeOk()) ? "+" : "-")).toList());
            if (doing.equals(nodesHeard.put(heartbeat.recordKey(), doing))) {
                return; // a heartbeat is printed when what the agent does changes, not every second
            }
        }
        out.println(format.apply(read));
    }

    List<CorvusEvent> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
