package io.corvus.elector.app;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.corvus.elector.domain.ElectionSettings;
import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NodeObserved;
import io.corvus.service.work.ClusterWorkQueue;
import io.corvus.service.work.PartitionOwner;
import org.jboss.logging.Logger;

/**
 * The elector of one replica. Events update the models of their clusters and mark a cluster dirty
 * when its election may come out differently; the work queue elects dirty clusters of the
 * partitions this replica owns, one cluster per worker, and publishes what changed. A cluster is
 * also looked at again when the heartbeat of one of its active endpoints is about to go stale.
 * Every endpoint that comes or goes is logged at INFO with the reason the topology carries.
 * Publishing is fenced: after {@link #release} returns, this replica publishes nothing more for
 * those clusters, and the next owner, which rebuilds from the topic first, continues the
 * generations.
 */
public final class ElectionLoop implements ClusterWorkQueue.Reconciler, PartitionOwner {

    private static final Logger LOG = Logger.getLogger(ElectionLoop.class);

    private final ElectionSettings settings;
    private final TopologyPublisher publisher;
    private final Clock clock;
    private final TopologyListener onPublished;
    private final Map<String, ClusterModel> clusters = new ConcurrentHashMap<>();
    private final ClusterWorkQueue queue;

    /**
     * @param onPublished told of each topology after the broker acknowledged it (Kubernetes events, metrics)
     */
    public ElectionLoop(ElectionSettings settings, TopologyPublisher publisher, Clock clock, TopologyListener onPublished) {
        this.settings = settings;
        this.publisher = publisher;
        this.clock = clock;
        this.onPublished = onPublished;
        this.queue = new ClusterWorkQueue("elector", clock, this);
    }

    /** The queue the elections run in: started by the service, driven by hand in tests. */
    public ClusterWorkQueue queue() {
        return queue;
    }

    public void apply(ConfigChanged config) {
        update(config.clusterId(), model -> model.apply(config));
    }

    public void removeConfig(String clusterId) {
        update(clusterId, ClusterModel::removeConfig);
    }

    public void apply(NodeObserved node) {
        update(node.clusterId(), model -> model.apply(node, clock.instant()));
    }

    public void removeNode(String clusterId, String nodeName) {
        update(clusterId, model -> model.removeNode(nodeName));
    }

    public void apply(AgentHeartbeat heartbeat) {
        update(heartbeat.clusterId(), model -> model.apply(heartbeat, clock.instant(), settings));
    }

    public void apply(CloudState state) {
        update(state.clusterId(), model -> model.apply(state));
    }

    public void apply(GatewayTopology topology) {
        update(topology.clusterId(), model -> model.apply(topology));
    }

    /** This replica now owns these partitions, rebuilt: it may publish for their clusters. */
    @Override
    public void own(Collection<Integer> partitions) {
        queue.own(partitions);
    }

    /** This replica gives these partitions up: it forgets their clusters and publishes nothing more for them. */
    @Override
    public void release(Collection<Integer> partitions) {
        queue.release(partitions);
        clusters.keySet().removeIf(clusterId -> partitions.contains(ClusterPartitioner.partitionFor(clusterId, Topic.PARTITIONS)));
    }

    /**
     * Elects one cluster and publishes the gateways that changed together: readers see the
     * cluster's new gateways at once or not at all, and one transaction for them all took a
     * thousand agents' topology 2 s less to arrive than one per gateway (BENCHMARKS, "Reliability").
     */
    @Override
    public Optional<Instant> reconcile(String clusterId, ClusterWorkQueue.Fence fence) throws Exception {
        ClusterModel model = clusters.get(clusterId);
        if (model == null) {
            return Optional.empty();
        }
        Map<String, GatewayTopology> before;
        Map<String, GatewayTopology> changed;
        synchronized (model) {
            before = model.published();
            changed = model.elect(clock.instant(), settings);
        }
        if (!changed.isEmpty()) {
            fence.whileOwned(() -> publisher.publish(List.copyOf(changed.values())));
        }
        for (GatewayTopology topology : changed.values()) {
            synchronized (model) {
                model.apply(topology);
            }
            topology.changes().forEach(change -> LOG.infof("cluster %s, gateway %s, generation %d: %s", clusterId,
                    topology.gatewayName(), topology.generation(), describe(change)));
            onPublished.published(before.get(topology.gatewayName()), topology);
        }
        synchronized (model) {
            return model.nextExpiry(clock.instant(), settings);
        }
    }

    /** "edge-1 is now a proxy endpoint (REPLACEMENT: takes the place of edge-2, ...)": one line per change, for logs and Events. */
    public static String describe(GatewayTopology.EndpointChange change) {
        return change.nodeName() + (change.added() ? " is now a " : " is no longer a ") + change.type().name().toLowerCase(Locale.ROOT)
                + " endpoint (" + change.cause() + ": " + change.detail() + ")";
    }

    /** The topologies this replica holds for a cluster (for tests and diagnostics). */
    public Map<String, GatewayTopology> topologies(String clusterId) {
        ClusterModel model = clusters.get(clusterId);
        if (model == null) {
            return Map.of();
        }
        synchronized (model) {
            return model.published();
        }
    }

    private void update(String clusterId, Predicate<ClusterModel> change) {
        ClusterModel model = clusters.computeIfAbsent(clusterId, ClusterModel::new);
        boolean needsElection;
        synchronized (model) {
            needsElection = change.test(model);
        }
        if (needsElection) {
            queue.markDirty(clusterId);
        }
    }
}
