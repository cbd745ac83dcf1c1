package io.corvus.launcher;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.codec.EventFormatException;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CorvusEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Reads every partition of every catalog topic (no consumer group: it disturbs no service) and
 * prints each event as one line as it arrives. Heartbeats repeat every second, so only a node's
 * first one is printed. Everything read is kept for {@link Expectation}s to look at.
 */
final class EventWatcher implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventCodec codec = EventCodec.create();
    private final PrintStream out;
    private final List<CorvusEvent> seen = new CopyOnWriteArrayList<>();
    /** What each agent did in its last printed heartbeat: its roles, link peers and tunnel state. */
    private final Map<String, String> nodesHeard = new HashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread thread;

    EventWatcher(KafkaConnection connection, PrintStream out, boolean fromBeginning) {
        this.out = out;
        this.consumer = new KafkaConsumer<>(KafkaClients.consumerConfig(connection, "corvus-watch", null));
        List<TopicPartition> partitions = Arrays.stream(Topic.values()).flatMap(t -> t.topicPartitions().stream()).toList();
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // fix the starting point now, not at the first poll
        }
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
        if (record.value() == null) {
            out.println(EventLine.tombstone(at, record.topic(), record.key()));
            return;
        }
        try {
            CorvusEvent event = codec.fromRecord(record.topic(), record.headers(), record.value());
            seen.add(event);
            if (event instanceof AgentHeartbeat heartbeat) {
                String doing = heartbeat.roles() + " " + heartbeat.linkedPeers()
                        + (heartbeat.tunnel() == null ? "" : " " + heartbeat.tunnel().state() + " " + heartbeat.tunnel().peers().stream()
                                .map(p -> p.nodeName() + (Boolean.TRUE.equals(p.probeOk()) ? "+" : "-")).toList());
                if (doing.equals(nodesHeard.put(heartbeat.recordKey(), doing))) {
                    return; // a heartbeat is printed when what the agent does changes, not every second
                }
            }
            out.println(EventLine.of(at, record.topic(), record.key(), event));
        } catch (EventFormatException e) {
            out.println(EventLine.unreadable(at, record.topic(), record.key(), e.getMessage()));
        }
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
