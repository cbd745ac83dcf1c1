package io.corvus.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventHandler;
import io.corvus.events.kafka.EventPump;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.Positions;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Starts a service's consuming loops and keeps track of them, so that the liveness check reports a
 * loop that stopped. Loops that own clusters come from {@link OwnedClusters}; loops that need a whole
 * topic from {@link #followWholeTopic}.
 */
@Singleton
public class EventPumps {

    private final Eventing eventing;
    private final EventCodec codec;
    private final DeadLetters deadLetters;
    private final MeterRegistry registry;
    private final Map<String, EventPump> pumps = new ConcurrentHashMap<>();
    private final List<KafkaClientMetrics> clientMetrics = new CopyOnWriteArrayList<>();

    EventPumps(Eventing eventing, EventCodec codec, DeadLetters deadLetters, MeterRegistry registry) {
        this.eventing = eventing;
        this.codec = codec;
        this.deadLetters = deadLetters;
        this.registry = registry;
    }

    /**
     * Reads every partition of a topic from its beginning, outside any consumer group, for a
     * service that must hold the whole topic (each replica its own copy) rather than a share of it.
     */
    public EventPump followWholeTopic(String name, Topic topic, EventHandler handler) {
        return follow(name, handler, Map.of(topic, Instant.EPOCH));
    }

    /**
     * Reads every partition of several topics outside any consumer group, each from its own
     * starting point ({@link Positions#seek}: {@link Instant#EPOCH} for the beginning). A point in
     * time asks the broker first, and throws Kafka's {@code TimeoutException} when it does not answer.
     */
    public EventPump follow(String name, EventHandler handler, Map<Topic, Instant> startAt) {
        String clientId = eventing.serviceName() + "-" + name;
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.consumerConfig(eventing.connection(), clientId, null));
        List<TopicPartition> partitions = startAt.keySet().stream().flatMap(topic -> topic.topicPartitions().stream()).toList();
        try {
            consumer.assign(partitions);
            startAt.forEach((topic, since) -> Positions.seek(consumer, topic.topicPartitions(), since));
        } catch (RuntimeException e) { // a starting point in time needs the broker's answer
            consumer.close(Duration.ZERO);
            throw e;
        }
        return register(name, new EventPump(clientId, consumer, codec, handler, deadLetters, false));
    }

    /**
     * Starts a pump the service built itself (its own consumer settings), and watches it like the
     * others: on /q/metrics its consumer's Kafka client metrics (kafka_consumer_*) and what it
     * handled and set aside (corvus_events_handled_total, corvus_events_dead_lettered_total).
     */
    public EventPump register(String name, EventPump pump) {
        if (pumps.putIfAbsent(name, pump) != null) {
            pump.close();
            throw new IllegalStateException("a pump named " + name + " is already running");
        }
        KafkaClientMetrics metrics = new KafkaClientMetrics(pump.metricsSource());
        metrics.bindTo(registry);
        clientMetrics.add(metrics);
        FunctionCounter.builder("corvus.events.handled", pump, EventPump::handledCount).tag("pump", name)
                .description("records the pump's handler took").register(registry);
        FunctionCounter.builder("corvus.events.dead.lettered", pump, EventPump::deadLetteredCount).tag("pump", name)
                .description("records the pump set aside on corvus.dlq.v1").register(registry);
        return pump.start();
    }

    /** The names of loops that are no longer running. */
    public List<String> stopped() {
        return pumps.entrySet().stream().filter(e -> !e.getValue().isRunning()).map(Map.Entry::getKey).sorted().toList();
    }

    public int count() {
        return pumps.size();
    }

    void closeAll(@Observes ShutdownEvent shutdown) {
        clientMetrics.forEach(KafkaClientMetrics::close);
        pumps.values().forEach(EventPump::close);
    }
}
