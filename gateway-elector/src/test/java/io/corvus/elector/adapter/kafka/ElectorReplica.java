package io.corvus.elector.adapter.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.corvus.elector.app.ElectionLoop;
import io.corvus.elector.domain.ElectionSettings;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.corvus.service.Eventing;
import org.apache.kafka.clients.producer.KafkaProducer;

/** One gateway-elector replica wired by hand as CDI wires it; several in one JVM form one consumer group. */
public final class ElectorReplica implements AutoCloseable {

    /** Heartbeats every 200 ms, stale after three missed, 30 s hold-down. */
    static final ElectionSettings SETTINGS = settings(Duration.ofMillis(200));

    /** Settings with a heartbeat interval of one's choice, the rest the defaults (three missed beats, 30 s hold-down). */
    public static ElectionSettings settings(Duration heartbeatInterval) {
        return ElectionSettings.DEFAULTS.withHeartbeatInterval(heartbeatInterval);
    }

    public final Set<String> publishedClusters = ConcurrentHashMap.newKeySet();
    private final ElectorEvents events;
    private final ElectionLoop loop;
    private final EventPublisher publisher;
    private final DeadLetters deadLetters;
    private final FencedTopologyPublisher topologies;

    ElectorReplica(String bootstrapServers) {
        this(bootstrapServers, SETTINGS);
    }

    public ElectorReplica(String bootstrapServers, ElectionSettings settings) {
        EventCodec codec = EventCodec.create();
        Clock clock = Clock.systemUTC();
        publisher = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrapServers, "gateway-elector")),
                codec, "gateway-elector");
        topologies = new FencedTopologyPublisher(KafkaConnection.plain(bootstrapServers), codec, "gateway-elector");
        loop = new ElectionLoop(settings, topologies, clock, (previous, next) -> publishedClusters.add(next.clusterId()));
        loop.queue().start(4);
        deadLetters = DeadLetters.connect(publisher, KafkaConnection.plain(bootstrapServers), "gateway-elector", clock);
        events = new ElectorEvents(loop, topologies, settings, new Eventing(Map.of("bootstrap.servers", bootstrapServers), "gateway-elector"), codec,
                deadLetters, clock);
        events.consume().start();
    }

    /** Its topology publisher, fenced by partition (what a replica paused mid-publication would call on waking). */
    public FencedTopologyPublisher topologies() {
        return topologies;
    }

    public ElectionLoop loop() {
        return loop;
    }

    public Set<Integer> owned() {
        return loop.queue().ownedPartitions();
    }

    @Override
    public void close() {
        events.close();
        loop.queue().close();
        deadLetters.close();
        topologies.close();
        publisher.close();
    }
}
