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
final class ElectorReplica implements AutoCloseable {

    /** Heartbeats every 200 ms, stale after three missed; elections checked every 100 ms. */
    static final ElectorSettings SETTINGS = new ElectorSettings() {
        public Duration heartbeatInterval() {
            return Duration.ofMillis(200);
        }

        public int missedBeats() {
            return 3;
        }

        public Duration holdDown() {
            return Duration.ofSeconds(30);
        }

        public Duration tick() {
            return Duration.ofMillis(100);
        }

        public Optional<String> inventoryFile() {
            return Optional.empty();
        }

        public Kubernetes kubernetes() {
            return Optional::empty;
        }
    };

    final Set<String> publishedClusters = ConcurrentHashMap.newKeySet();
    final ElectorEvents events;
    private final EventPublisher publisher;

    ElectorReplica(String bootstrapServers) {
        EventCodec codec = EventCodec.create();
        Clock clock = Clock.systemUTC();
        publisher = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrapServers, "gateway-elector")),
                codec, "gateway-elector");
        events = new ElectorEvents(SETTINGS, new Eventing(bootstrapServers, "gateway-elector"), codec,
                new DeadLetters(publisher, "gateway-elector", clock), clock, publisher,
                (previous, next) -> publishedClusters.add(next.clusterId()), new NodeSources(clock, publisher, SETTINGS));
        events.consume().start();
        events.startTicking();
    }

    Set<Integer> owned() {
        return events.loop().ownedPartitions();
    }

    @Override
    public void close() {
        events.close();
        publisher.close();
    }
}
