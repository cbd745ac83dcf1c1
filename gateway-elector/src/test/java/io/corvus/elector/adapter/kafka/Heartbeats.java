package io.corvus.elector.adapter.kafka;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.payload.AgentHeartbeat;
import org.apache.kafka.clients.producer.KafkaProducer;

/** Agents in a test: heartbeats for a set of nodes every 100 ms, until a node is silenced. */
public final class Heartbeats implements AutoCloseable {

    private final EventPublisher publisher;
    private final Set<String> beating = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    public Heartbeats(String bootstrapServers) {
        publisher = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrapServers, "test-agents")),
                EventCodec.create(), "agent");
        Thread.ofVirtual().name("test-agents").start(this::beat);
    }

    /** Starts beating for {@code clusterId/nodeName}. */
    public void start(String clusterId, String nodeName) {
        beating.add(clusterId + "/" + nodeName);
    }

    public void silence(String clusterId, String nodeName) {
        beating.remove(clusterId + "/" + nodeName);
    }

    private void beat() {
        while (running) {
            for (String key : List.copyOf(beating)) {
                String[] parts = key.split("/", 2);
                publisher.publish(AgentHeartbeat.idle(parts[0], parts[1], Instant.now()));
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        publisher.close();
    }
}
