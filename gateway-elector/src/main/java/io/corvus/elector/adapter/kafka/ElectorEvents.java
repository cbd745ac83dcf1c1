package io.corvus.elector.adapter.kafka;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.corvus.elector.app.ElectionLoop;
import io.corvus.elector.app.TopologyListener;
import io.corvus.elector.adapter.inventory.NodeSources;
import io.corvus.elector.boot.ElectorSettings;
import io.corvus.events.EventCodec;
import io.corvus.events.EventKey;
import io.corvus.events.Topic;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventHandler;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.EventPump;
import io.corvus.events.kafka.ReceivedEvent;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NodeObserved;
import io.corvus.service.EventPumps;
import io.corvus.service.Eventing;
import io.corvus.service.OwnedClusters;
import io.corvus.service.PartitionOwnership;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The elector's consumer and its tick. One consumer in group {@code gateway-elector} reads the
 * configuration, nodes, heartbeats, cloud state and topology topics; {@link PartitionOwnership}
 * gives this replica whole clusters and rebuilds them from the topics (heartbeats from two windows
 * back) before they are elected, so a new owner continues the generations it finds on the topic.
 */
@Singleton
public class ElectorEvents implements EventHandler {

    private static final List<Topic> REBUILT_FROM_START = List.of(Topic.CONFIG, Topic.NODES, Topic.CLOUD_STATE, Topic.TOPOLOGY);

    private final ElectionLoop loop;
    private final ElectorSettings settings;
    private final Eventing eventing;
    private final EventCodec codec;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final NodeSources nodeSources;
    private volatile OwnedClusters owned;

    ElectorEvents(ElectorSettings settings, Eventing eventing, EventCodec codec, DeadLetters deadLetters, Clock clock,
            EventPublisher publisher, TopologyListener listener, NodeSources nodeSources) {
        this.nodeSources = nodeSources;
        this.settings = settings;
        this.eventing = eventing;
        this.codec = codec;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.loop = new ElectionLoop(settings.election(), topology -> publisher.publish(topology).get(), clock,
                listener);
    }

    public ElectionLoop loop() {
        return loop;
    }

    void start(@Observes StartupEvent startup, EventPumps pumps) {
        pumps.register("elector", consume());
        startTicking();
    }

    /** The elector's pump, not yet started: subscribed, with ownership handled on rebalance. */
    EventPump consume() {
        owned = new OwnedClusters(eventing, codec, deadLetters, clock, REBUILT_FROM_START,
                Map.of(Topic.AGENT_STATUS, settings.election().freshness().multipliedBy(2)),
                PartitionOwnership.Owner.of(loop::own, loop::release), this);
        return owned.pump();
    }

    void startTicking() {
        owned.startTicking(settings.tick(), loop::electOwned);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (owned != null) {
            owned.stopTicking();
        }
    }

    /** Stops ticking and consuming (a replica going away). */
    void close() {
        if (owned != null) {
            owned.close();
        }
    }

    @Override
    public void onEvent(ReceivedEvent event) {
        switch (event.payload()) {
            case ConfigChanged config -> {
                loop.apply(config);
                nodeSources.labelKeys(config.clusterId(), config.config().nodeLabels());
            }
            case NodeObserved node -> loop.apply(node);
            case AgentHeartbeat heartbeat -> loop.apply(heartbeat);
            case CloudState state -> loop.apply(state);
            case GatewayTopology topology -> loop.apply(topology);
            default -> throw new IllegalArgumentException("the elector does not read " + event.payload().getClass().getSimpleName());
        }
    }

    @Override
    public void onTombstone(Topic topic, String key) {
        EventKey parsed = EventKey.parse(key);
        switch (topic) {
            case CONFIG -> loop.removeConfig(parsed.clusterId());
            case NODES -> parsed.name().ifPresent(node -> loop.removeNode(parsed.clusterId(), node));
            default -> { }
        }
    }
}
