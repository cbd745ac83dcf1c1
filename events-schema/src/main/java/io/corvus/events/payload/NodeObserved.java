package io.corvus.events.payload;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.corvus.events.EventKey;

/**
 * A node as the inventory last saw it ({@code corvus.nodes.v1}, key {@code clusterId/nodeName});
 * a tombstone on that key means the node is gone.
 *
 * <p>Pool, edge and pin are the node's classification under the default label keys (Raven's),
 * for readers that do not know the cluster's configuration; the elector classifies every node from
 * its {@code labels} with the keys its cluster's configuration names.
 *
 * @param nodePool      the value of label {@code apps.openyurt.io/nodepool}, or null when the node has none
 * @param edge          true when the node carries {@code openyurt.io/is-edge-worker=true}
 * @param gatewayPinned true when the node carries {@code raven.openyurt.io/gateway-node=true}
 * @param labels        every label of the node
 */
public record NodeObserved(
        String clusterId,
        String nodeName,
        String nodePool,
        boolean edge,
        boolean gatewayPinned,
        boolean ready,
        List<String> internalIps,
        List<String> externalIps,
        List<String> podCidrs,
        Map<String, String> labels,
        Instant observedAt) implements CorvusEvent {

    public NodeObserved {
        Checks.clusterId(clusterId);
        EventKey.of(clusterId, Checks.text(nodeName, "nodeName"));
        internalIps = Checks.list(internalIps);
        externalIps = Checks.list(externalIps);
        podCidrs = Checks.list(podCidrs);
        labels = Checks.map(labels);
        Checks.present(observedAt, "observedAt");
    }

    /** A node as seen, classified under the default label keys from its labels. */
    public static NodeObserved of(String clusterId, String nodeName, Map<String, String> labels, boolean ready, List<String> internalIps,
            List<String> externalIps, List<String> podCidrs, Instant observedAt) {
        NetworkConfig.NodeLabels keys = NetworkConfig.NodeLabels.DEFAULTS;
        return new NodeObserved(clusterId, nodeName, keys.poolOf(labels), keys.isEdge(labels), NetworkConfig.NodeLabels.isPinned(labels),
                ready, internalIps, externalIps, podCidrs, labels, observedAt);
    }

    /** The same observation at another time: two observations that differ only in time say the same. */
    public NodeObserved observedAt(Instant at) {
        return new NodeObserved(clusterId, nodeName, nodePool, edge, gatewayPinned, ready, internalIps, externalIps, podCidrs, labels, at);
    }

    @Override
    public String recordKey() {
        return EventKey.of(clusterId, nodeName).wireForm();
    }
}
