package io.corvus.provisioner.adapter.kafka;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.corvus.events.EventCodec;
import io.corvus.events.Topic;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventHandler;
import io.corvus.events.kafka.EventPump;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.ReceivedEvent;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.ProvisioningStep;
import io.corvus.provisioner.adapter.kube.RavenCfg;
import io.corvus.provisioner.app.CloudProvider;
import io.corvus.provisioner.app.ProvisioningLoop;
import io.corvus.provisioner.app.ProvisioningOutput;
import io.corvus.provisioner.boot.ProvisionerSettings;
import io.corvus.service.EventPumps;
import io.corvus.service.Eventing;
import io.corvus.service.OwnedClusters;
import io.corvus.service.PartitionOwnership;
import io.quarkus.arc.All;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The provisioner's events: configuration, cloud gateways' topology and cloud state in (whole
 * clusters per replica, rebuilt from the compacted topics on assignment), provisioning steps,
 * cloud state and raven-cfg out.
 */
@Singleton
public class ProvisionerEvents implements EventHandler, ProvisioningOutput {

    private static final List<Topic> REBUILT_FROM_START = List.of(Topic.CONFIG, Topic.TOPOLOGY, Topic.CLOUD_STATE);

    private final ProvisionerSettings settings;
    private final EventPublisher publisher;
    private final RavenCfg ravenCfg;
    private final ProvisioningLoop loop;
    private final OwnedClusters owned;

    ProvisionerEvents(ProvisionerSettings settings, Eventing eventing, EventCodec codec, DeadLetters deadLetters, Clock clock,
            EventPublisher publisher, RavenCfg ravenCfg, @All List<CloudProvider> providers) {
        this.settings = settings;
        this.publisher = publisher;
        this.ravenCfg = ravenCfg;
        this.loop = new ProvisioningLoop(providers, this, clock);
        this.owned = new OwnedClusters(eventing, codec, deadLetters, clock, REBUILT_FROM_START, Map.of(),
                PartitionOwnership.Owner.of(loop::own, loop::release), this);
    }

    void start(@Observes StartupEvent startup, EventPumps pumps) {
        pumps.register("provisioner", consume());
        startTicking();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        owned.stopTicking();
    }

    /** The consuming loop of this replica, not yet started. */
    EventPump consume() {
        return owned.pump();
    }

    void startTicking() {
        owned.startTicking(settings.tick(), loop::reconcileOwned);
    }

    /** Leaves the group and stops provisioning: a replica going away. */
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

    @Override
    public void step(ProvisioningStep step) throws Exception {
        publisher.publish(step).get();
    }

    @Override
    public void cloudState(CloudState state) throws Exception {
        publisher.publish(state).get();
    }

    @Override
    public void ravenConfig(String clusterId, Map<String, String> data) throws Exception {
        ravenCfg.write(clusterId, data);
    }
}
