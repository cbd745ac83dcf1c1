package io.corvus.elector.app;

import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.corvus.elector.domain.ElectionSettings;
import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NodeObserved;

/**
 * The elector of one replica. Events of every cluster it consumes update the clusters' models;
 * {@link #electOwned()} runs the election for the clusters of the partitions this replica owns and
 * has rebuilt, and publishes what changed. Publishing and giving up a partition take the same lock,
 * so after {@link #release} returns this replica publishes nothing more for those clusters: the
 * next owner, which rebuilds from the topic first, continues the generations.
 */
public final class ElectionLoop {

    private final ElectionSettings settings;
    private final TopologyPublisher publisher;
    private final Clock clock;
    private final TopologyListener onPublished;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ClusterModel> clusters = new HashMap<>();
    private final Set<Integer> owned = new HashSet<>();

    /**
     * @param onPublished told of each topology after the broker acknowledged it (Kubernetes events, metrics)
     */
    public ElectionLoop(ElectionSettings settings, TopologyPublisher publisher, Clock clock, TopologyListener onPublished) {
        this.settings = settings;
        this.publisher = publisher;
        this.clock = clock;
        this.onPublished = onPublished;
    }

    public void apply(ConfigChanged config) {
        withCluster(config.clusterId(), model -> model.apply(config));
    }

    public void removeConfig(String clusterId) {
        withCluster(clusterId, ClusterModel::removeConfig);
    }

    public void apply(NodeObserved node) {
        withCluster(node.clusterId(), model -> model.apply(node, clock.instant()));
    }

    public void removeNode(String clusterId, String nodeName) {
        withCluster(clusterId, model -> model.removeNode(nodeName));
    }

    public void apply(AgentHeartbeat heartbeat) {
        withCluster(heartbeat.clusterId(), model -> model.apply(heartbeat, clock.instant(), settings));
    }

    public void apply(CloudState state) {
        withCluster(state.clusterId(), model -> model.apply(state));
    }

    public void apply(GatewayTopology topology) {
        withCluster(topology.clusterId(), model -> model.apply(topology));
    }

    /** This replica now owns these partitions, rebuilt: it may publish for their clusters. */
    public void own(Collection<Integer> partitions) {
        lock.lock();
        try {
            owned.addAll(partitions);
        } finally {
            lock.unlock();
        }
    }

    /** This replica gives these partitions up: it forgets their clusters and publishes nothing more for them. */
    public void release(Collection<Integer> partitions) {
        lock.lock();
        try {
            owned.removeAll(partitions);
            clusters.keySet().removeIf(clusterId -> partitions.contains(partitionOf(clusterId)));
        } finally {
            lock.unlock();
        }
    }

    /** Elects every owned cluster that needs it; returns the topologies published. */
    public List<GatewayTopology> electOwned() throws Exception {
        lock.lock();
        try {
            List<GatewayTopology> publishedNow = new java.util.ArrayList<>();
            for (Map.Entry<String, ClusterModel> entry : clusters.entrySet()) {
                ClusterModel model = entry.getValue();
                if (!owned.contains(partitionOf(entry.getKey())) || !model.needsElection(clock.instant(), settings)) {
                    continue;
                }
                Map<String, GatewayTopology> before = model.published();
                for (GatewayTopology topology : model.elect(clock.instant(), settings).values()) {
                    publisher.publish(topology);
                    model.apply(topology);
                    publishedNow.add(topology);
                    onPublished.published(before.get(topology.gatewayName()), topology);
                }
            }
            return publishedNow;
        } finally {
            lock.unlock();
        }
    }

    /** The partitions this replica owns and elects. */
    public Set<Integer> ownedPartitions() {
        lock.lock();
        try {
            return Set.copyOf(owned);
        } finally {
            lock.unlock();
        }
    }

    /** The topologies this replica holds for a cluster (for tests and diagnostics). */
    public Map<String, GatewayTopology> topologies(String clusterId) {
        lock.lock();
        try {
            ClusterModel model = clusters.get(clusterId);
            return model == null ? Map.of() : model.published();
        } finally {
            lock.unlock();
        }
    }

    private void withCluster(String clusterId, Consumer<ClusterModel> change) {
        lock.lock();
        try {
            change.accept(clusters.computeIfAbsent(clusterId, ClusterModel::new));
        } finally {
            lock.unlock();
        }
    }

    static int partitionOf(String clusterId) {
        return ClusterPartitioner.partitionFor(clusterId, Topic.PARTITIONS);
    }
}
