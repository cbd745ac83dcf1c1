package io.corvus.elector.adapter.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.corvus.elector.adapter.inventory.NodeSources;
import io.corvus.elector.boot.ElectorSettings;
import io.corvus.events.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.service.Eventing;
import org.apache.kafka.clients.producer.KafkaProducer;

/** One gateway-elector replica wired by hand as CDI wires it; several in one JVM form one consumer group. */
public final class ElectorReplica implements AutoCloseable {

    /** Heartbeats every 200 ms, stale after three missed; elections checked every 100 ms. */
    static final ElectorSettings SETTINGS = settings(Duration.ofMillis(200), Duration.ofMillis(100));

    /** Settings with a heartbeat interval and a tick of one's choice, three missed beats, 30 s hold-down. */
    public static ElectorSettings settings(Duration heartbeatInterval, Duration tick) {
        return new ElectorSettings() {
            public Duration heartbeatInterval() {
                return heartbeatInterval;
            }

            public int missedBeats() {
                return 3;
            }

            public Duration holdDown() {
                return Duration.ofSeconds(30);
            }

            public Duration tick() {
                return tick;
            }

            public Optional<String> inventoryFile() {
                return Optional.empty();
            }

            public Kubernetes kubernetes() {
                return Optional::empty;
            }
        };
    }

    public final Set<String> publishedClusters = ConcurrentHashMap.newKeySet();
    final ElectorEvents events;
    private final EventPublisher publisher;

    ElectorReplica(String bootstrapServers) {
        this(bootstrapServers, SETTINGS);
    }

    public ElectorReplica(String bootstrapServers, ElectorSettings settings) {
        EventCodec codec = EventCodec.create();
        Clock clock = Clock.systemUTC();
        publisher = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrapServers, "gateway-elector")),
                codec, "gateway-elector");
        events = new ElectorEvents(settings, new Eventing(bootstrapServers, "gateway-elector"), codec,
                new DeadLetters(publisher, "gateway-elector", clock), clock, publisher,
                (previous, next) -> publishedClusters.add(next.clusterId()), new NodeSources(clock, publisher, settings));
        events.consume().start();
        events.startTicking();
    }

    public io.corvus.elector.app.ElectionLoop loop() {
        return events.loop();
    }

    public Set<Integer> owned() {
        return events.loop().ownedPartitions();
    }

    @Override
    public void close() {
        events.close();
        publisher.close();
    }
}
