package io.corvus.events.payload;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.corvus.events.EventKey;

/**
 * A node as the inventory last saw it ({@code corvus.nodes.v1}, key {@code clusterId/nodeName});
 * a tombstone on that key means the node is gone.
 *
 * @param nodePool      the value of the cluster's node-pool label, or null when the node has none
 * @param edge          true when the node carries the edge-node label
 * @param gatewayPinned true when the node carries {@code raven.openyurt.io/gateway-node=true}
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

    @Override
    public String recordKey() {
        return EventKey.of(clusterId, nodeName).wireForm();
    }
}
