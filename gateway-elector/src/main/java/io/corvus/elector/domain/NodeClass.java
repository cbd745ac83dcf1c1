package io.corvus.elector.domain;

import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.NodeObserved;

/**
 * Where a node belongs, read from its labels with the label keys of its cluster's configuration:
 * its pool (none without the pool label), whether it is an edge node, and whether it is a pinned
 * gateway candidate. Every replica derives the same from the same node and configuration, so the
 * classification is part of the election, not of the node events.
 *
 * @param pool the value of the pool label, or null when the node carries none
 */
public record NodeClass(String pool, boolean edge, boolean pinned) {

    /** @param keys the configuration's label keys, or null for a cluster never configured (Raven's keys) */
    public static NodeClass of(NodeObserved node, NetworkConfig.NodeLabels keys) {
        NetworkConfig.NodeLabels labelKeys = keys == null ? NetworkConfig.NodeLabels.DEFAULTS : keys;
        return new NodeClass(labelKeys.poolOf(node.labels()), labelKeys.isEdge(node.labels()),
                NetworkConfig.NodeLabels.isPinned(node.labels()));
    }
}
