package io.corvus.elector.app;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.corvus.events.EventKey;
import io.corvus.events.payload.NodeObserved;

/**
 * Turns nodes as a source sees them (a name, labels, readiness, addresses) into the node events of
 * {@code corvus.nodes.v1}, answering only what changed, so sources can report as often as they
 * like. An event carries the node's raw labels; the election classifies the node from them with
 * its cluster's configured label keys. Its {@code nodePool}, {@code edge} and {@code gatewayPinned}
 * fields hold the classification under the default keys, for readers that do not know the
 * configuration: it depends on nothing but the node, so every replica publishes the same.
 */
public final class NodeInventory {

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
    private final Map<String, NodeObserved> published = new HashMap<>();

    public NodeInventory(Clock clock) {
        this.clock = clock;
    }

    /** A node was added or changed; returns its event when it differs from the last one. */
    public synchronized Optional<NodeObserved> upsert(SourceNode node) {
        String key = EventKey.of(node.clusterId(), node.name()).wireForm();
        NodeObserved next = observe(node);
        NodeObserved before = published.get(key);
        if (before != null && before.equals(next.observedAt(before.observedAt()))) {
            return Optional.empty();
        }
        published.put(key, next);
        return Optional.of(next);
    }

    /** A node is gone; returns the key to tombstone, if it had been published. */
    public synchronized Optional<String> remove(String clusterId, String name) {
        String key = EventKey.of(clusterId, name).wireForm();
        return published.remove(key) == null ? Optional.empty() : Optional.of(key);
    }

    private NodeObserved observe(SourceNode node) {
        return NodeObserved.of(node.clusterId(), node.name(), node.labels(), node.ready(), node.internalIps(), node.externalIps(),
                node.podCidrs(), clock.instant());
    }
}
