package io.corvus.provisioner.adapter.kafka;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.corvus.events.codec.EventCodec;
import io.corvus.events.Topic;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventHandler;
import io.corvus.events.kafka.EventPump;
import io.corvus.events.kafka.ReceivedEvent;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.provisioner.app.ProvisioningLoop;
import io.corvus.service.EventPumps;
import io.corvus.service.Eventing;
import io.corvus.service.OwnedClusters;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The provisioner's consumer: configuration, cloud gateways' topology and cloud state in, whole
 * clusters per replica, rebuilt from the compacted topics on assignment. Each event only updates
 * its cluster in the loop; the loop's work queue reconciles.
 */
@Singleton
public class ProvisionerEvents implements EventHandler {

    private static final List<Topic> REBUILT_FROM_START = List.of(Topic.CONFIG, Topic.TOPOLOGY, Topic.CLOUD_STATE);

    private final ProvisioningLoop loop;
    private final OwnedClusters owned;

    ProvisionerEvents(ProvisioningLoop loop, Eventing eventing, EventCodec codec, DeadLetters deadLetters, Clock clock) {
        this.loop = loop;
        this.owned = new OwnedClusters(eventing, codec, deadLetters, clock, REBUILT_FROM_START, Map.of(), loop, this);
    }

    void start(@Observes StartupEvent startup, EventPumps pumps) {
        pumps.register("provisioner", consume());
    }

    /** The consuming loop of this replica, not yet started. */
    EventPump consume() {
        return owned.pump();
    }

    /** Leaves the group: a replica going away. */
    void close() {
        owned.close();
    }

    @Override
    public void onEvent(ReceivedEvent event) {
        switch (event.payload()) {
            case ConfigChanged config -> loop.apply(config);
            case GatewayTopology topology -> loop.apply(topology);
            case CloudState state -> loop.apply(state);
            default -> throw new IllegalArgumentException("the provisioner does not read " + event.payload().getClass().getSimpleName());
        }
    }

    @Override
    public void onTombstone(Topic topic, String key) {
        if (topic == Topic.CONFIG) {
            loop.removeConfig(key);
        }
    }
}
