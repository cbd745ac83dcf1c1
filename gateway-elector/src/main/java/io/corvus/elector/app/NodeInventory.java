package io.corvus.elector.app;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.corvus.events.EventKey;
import io.corvus.events.Raven;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.NodeObserved;

/**
 * Turns nodes as a source sees them (a name, labels, readiness, addresses) into the node events of
 * {@code corvus.nodes.v1}, reading pool and edge from the label keys of the cluster's
 * configuration. It answers only what changed, so sources can report as often as they like.
 */
public final class NodeInventory {

    private static final NetworkConfig.NodeLabels DEFAULT_LABELS =
            new NetworkConfig.NodeLabels(Raven.DEFAULT_NODE_POOL_KEY, Raven.DEFAULT_EDGE_NODE_LABEL);

    /** A node as a source reports it. */
    public record SourceNode(String clusterId, String name, Map<String, String> labels, boolean ready,
            List<String> internalIps, List<String> externalIps, List<String> podCidrs) {
        public SourceNode {
            EventKey.of(clusterId, name);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            internalIps = internalIps == null ? List.of() : List.copyOf(internalIps);
            externalIps = externalIps == null ? List.of() : List.copyOf(externalIps);
            podCidrs = podCidrs == null ? List.of() : List.copyOf(podCidrs);
        }
    }

    private final Clock clock;
    private final Map<String, NetworkConfig.NodeLabels> labelKeys = new HashMap<>();
    private final Map<String, SourceNode> sourceNodes = new HashMap<>();
    private final Map<String, NodeObserved> published = new HashMap<>();

    public NodeInventory(Clock clock) {
        this.clock = clock;
    }

    /** A node was added or changed; returns its event when it differs from the last one. */
    public synchronized Optional<NodeObserved> upsert(SourceNode node) {
        String key = EventKey.of(node.clusterId(), node.name()).wireForm();
        sourceNodes.put(key, node);
        return changed(key, node);
    }

    /** A node is gone; returns the key to tombstone, if it had been published. */
    public synchronized Optional<String> remove(String clusterId, String name) {
        String key = EventKey.of(clusterId, name).wireForm();
        sourceNodes.remove(key);
        return published.remove(key) == null ? Optional.empty() : Optional.of(key);
    }

    /** The cluster's configuration names its label keys; returns the nodes whose event changes with them. */
    public synchronized List<NodeObserved> labelKeys(String clusterId, NetworkConfig.NodeLabels keys) {
        if (Objects.equals(labelKeys.put(clusterId, keys), keys)) {
            return List.of();
        }
        List<NodeObserved> changed = new ArrayList<>();
        sourceNodes.forEach((key, node) -> {
            if (node.clusterId().equals(clusterId)) {
                changed(key, node).ifPresent(changed::add);
            }
        });
        return changed;
    }

    private Optional<NodeObserved> changed(String key, SourceNode node) {
        NodeObserved next = observe(node, labelKeys.getOrDefault(node.clusterId(), DEFAULT_LABELS));
        NodeObserved before = published.get(key);
        if (before != null && sameExceptTime(before, next)) {
            return Optional.empty();
        }
        published.put(key, next);
        return Optional.of(next);
    }

    private NodeObserved observe(SourceNode node, NetworkConfig.NodeLabels keys) {
        String[] edge = keys.edgeNodeLabel().split("=", 2);
        boolean isEdge = edge.length == 2 && edge[1].equals(node.labels().get(edge[0]));
        return new NodeObserved(node.clusterId(), node.name(), node.labels().get(keys.nodePoolKey()), isEdge,
                "true".equals(node.labels().get(Raven.GATEWAY_PIN_LABEL)), node.ready(), node.internalIps(), node.externalIps(),
                node.podCidrs(), node.labels(), clock.instant());
    }

    private static boolean sameExceptTime(NodeObserved a, NodeObserved b) {
        return a.equals(new NodeObserved(b.clusterId(), b.nodeName(), b.nodePool(), b.edge(), b.gatewayPinned(), b.ready(),
                b.internalIps(), b.externalIps(), b.podCidrs(), b.labels(), a.observedAt()));
    }
}
