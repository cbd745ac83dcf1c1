package io.corvus.elector.adapter.kube;

import java.util.List;

import io.corvus.elector.app.NodeInventory;
import io.corvus.elector.app.NodeReports;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/** Feeds one cluster's Node informer into the node inventory. */
record NodeHandler(String clusterId, NodeReports sources) implements ResourceEventHandler<Node> {

    @Override
    public void onAdd(Node node) {
        sources.upsert(sourceNode(clusterId, node));
    }

    @Override
    public void onUpdate(Node before, Node after) {
        sources.upsert(sourceNode(clusterId, after));
    }

    @Override
    public void onDelete(Node node, boolean finalStateUnknown) {
        sources.remove(clusterId, node.getMetadata().getName());
    }

    /** A Node as the inventory needs it: labels, the Ready condition, addresses and pod CIDRs. */
    static NodeInventory.SourceNode sourceNode(String clusterId, Node node) {
        var status = node.getStatus();
        boolean ready = status != null && status.getConditions() != null && status.getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        List<NodeAddress> addresses = status == null || status.getAddresses() == null ? List.of() : status.getAddresses();
        var spec = node.getSpec();
        List<String> podCidrs = spec == null ? List.of()
                : spec.getPodCIDRs() != null && !spec.getPodCIDRs().isEmpty() ? spec.getPodCIDRs()
                : spec.getPodCIDR() != null ? List.of(spec.getPodCIDR()) : List.of();
        return new NodeInventory.SourceNode(clusterId, node.getMetadata().getName(), node.getMetadata().getLabels(), ready,
                addressesOf(addresses, "InternalIP"), addressesOf(addresses, "ExternalIP"), podCidrs);
    }

    private static List<String> addressesOf(List<NodeAddress> addresses, String type) {
        return addresses.stream().filter(a -> type.equals(a.getType())).map(NodeAddress::getAddress).toList();
    }
}
