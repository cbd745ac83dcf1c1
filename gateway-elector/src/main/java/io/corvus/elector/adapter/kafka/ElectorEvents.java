package io.corvus.elector.adapter.kafka;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.corvus.elector.app.ElectionLoop;
import io.corvus.elector.domain.ElectionSettings;
import io.corvus.events.EventKey;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventHandler;
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
import io.corvus.service.work.PartitionOwner;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The elector's consumer. One consumer in group {@code gateway-elector} reads the configuration,
 * nodes, heartbeats, cloud state and topology topics; {@link io.corvus.service.PartitionOwnership}
 * gives this replica whole clusters and rebuilds them from the topics (heartbeats from two windows
 * back) before they are elected, so a new owner continues the generations it finds on the topic.
 * Each event only updates its cluster's model; the loop's work queue does the electing. A
 * partition's transactional id is taken ({@link FencedTopologyPublisher}) before its clusters are
 * elected, and given up after.
 */
@Singleton
public class ElectorEvents implements EventHandler {

    private static final List<Topic> REBUILT_FROM_START = List.of(Topic.CONFIG, Topic.NODES, Topic.CLOUD_STATE, Topic.TOPOLOGY);

    private final ElectionLoop loop;
    private final OwnedClusters owned;

    ElectorEvents(ElectionLoop loop, FencedTopologyPublisher publisher, ElectionSettings settings, Eventing eventing, EventCodec codec,
            DeadLetters deadLetters, Clock clock) {
        this.loop = loop;
        this.owned = new OwnedClusters(eventing, codec, deadLetters, clock, REBUILT_FROM_START,
                Map.of(Topic.AGENT_STATUS, settings.freshness().multipliedBy(2)), PartitionOwner.inOrder(publisher, loop), this);
    }

    void start(@Observes StartupEvent startup, EventPumps pumps) {
        pumps.register("elector", consume());
    }

    /** The elector's pump, not yet started: subscribed, with ownership handled on rebalance. */
    EventPump consume() {
        return owned.pump();
    }

    /** Stops consuming (a replica going away). */
    void close() {
        owned.close();
    }

    @Override
    public void onEvent(ReceivedEvent event) {
        switch (event.payload()) {
            case ConfigChanged config -> loop.apply(config);
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
