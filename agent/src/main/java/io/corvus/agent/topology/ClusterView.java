package io.corvus.agent.topology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.corvus.events.Raven;
import io.corvus.events.payload.AgentHeartbeat.Role;
import io.corvus.events.payload.GatewayTopology.EndpointType;
import io.corvus.events.payload.GatewayTopology;

/**
 * The gateways of one cluster as this agent last read them on {@code corvus.topology.v1}: the
 * newest generation of each. Immutable; every question an agent asks of the topology (what am I,
 * whom do I dial, who may dial me, where does a node live) is answered here, without I/O.
 */
public final class ClusterView {

    /** A cloud gateway's active proxy endpoint, where an edge gateway can dial in directly. */
    public record CloudEndpoint(String nodeName, String address, int port) {
    }

    /** Where a node of an edge pool is reached: through that pool's gateway. */
    public record Route(String gatewayName, String nodeName, String address) {
    }

    private final String clusterId;
    private final Map<String, GatewayTopology> gateways;

    private ClusterView(String clusterId, Map<String, GatewayTopology> gateways) {
        this.clusterId = clusterId;
        this.gateways = gateways;
    }

    public static ClusterView empty(String clusterId) {
        return new ClusterView(clusterId, Map.of());
    }

    /** This view with the gateway's newer generation; the same view when it is not newer or not ours. */
    public ClusterView with(GatewayTopology topology) {
        GatewayTopology held = gateways.get(topology.gatewayName());
        if (!topology.clusterId().equals(clusterId) || (held != null && held.generation() >= topology.generation())) {
            return this;
        }
        Map<String, GatewayTopology> next = new TreeMap<>(gateways);
        next.put(topology.gatewayName(), topology);
        return new ClusterView(clusterId, Collections.unmodifiableMap(next));
    }

    /** This view without a gateway whose key was deleted from the compacted topic. */
    public ClusterView without(String gatewayName) {
        if (!gateways.containsKey(gatewayName)) {
            return this;
        }
        Map<String, GatewayTopology> next = new TreeMap<>(gateways);
        next.remove(gatewayName);
        return new ClusterView(clusterId, Collections.unmodifiableMap(next));
    }

    public String clusterId() {
        return clusterId;
    }

    /** Every gateway (node pool) of the cluster, newest generation each. */
    public Collection<GatewayTopology> gateways() {
        return gateways.values();
    }

    /** The newest generation among the gateways, 0 before any. */
    public long generation() {
        return gateways.values().stream().mapToLong(GatewayTopology::generation).max().orElse(0);
    }

    /** What the node does: a cloud gateway's proxy endpoint serves, an edge gateway's proxy endpoint dials. */
    public Set<Role> rolesOf(String node) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (GatewayTopology gateway : gateways.values()) {
            for (GatewayTopology.Endpoint endpoint : gateway.endpoints()) {
                if (!endpoint.nodeName().equals(node)) {
                    continue;
                }
                if (endpoint.type() == EndpointType.TUNNEL) {
                    roles.add(Role.TUNNEL_ENDPOINT);
                } else if (gateway.proxyEnabled()) {
                    roles.add(gateway.edge() ? Role.PROXY_CLIENT : Role.PROXY_SERVER);
                }
            }
        }
        return roles;
    }

    /** The cloud gateways' active proxy endpoints, sorted by node name. */
    public List<CloudEndpoint> cloudProxyEndpoints() {
        List<CloudEndpoint> endpoints = new ArrayList<>();
        for (GatewayTopology gateway : gateways.values()) {
            if (gateway.edge() || !gateway.proxyEnabled()) {
                continue;
            }
            for (GatewayTopology.Endpoint endpoint : gateway.endpoints()) {
                if (endpoint.type() == EndpointType.PROXY && endpoint.privateIp() != null) {
                    endpoints.add(new CloudEndpoint(endpoint.nodeName(), endpoint.privateIp(),
                            endpoint.port() == null ? Raven.PROXY_LINK_PORT : endpoint.port()));
                }
            }
        }
        endpoints.sort(Comparator.comparing(CloudEndpoint::nodeName));
        return endpoints;
    }

    /** Where edge gateways dial in from outside (the EIP or CLB), once the cloud side is provisioned. */
    public Optional<GatewayTopology.CloudExposure> cloudExposure() {
        return gateways.values().stream().filter(g -> !g.edge()).map(GatewayTopology::cloudExposure)
                .filter(Objects::nonNull).findFirst();
    }

    /** The whitelist the link server enforces (the cluster's configuration, carried by every gateway). */
    public List<String> accessControlList() {
        return gateways.values().stream().filter(g -> !g.edge()).map(GatewayTopology::accessControlList).findFirst()
                .orElse(List.of());
    }

    /** The edge gateways' active proxy endpoints: the only nodes whose agents may open a link. */
    public Set<String> edgeProxyEndpoints() {
        Set<String> nodes = new LinkedHashSet<>();
        for (GatewayTopology gateway : gateways.values()) {
            if (gateway.edge() && gateway.proxyEnabled()) {
                gateway.endpoints().stream().filter(e -> e.type() == EndpointType.PROXY).forEach(e -> nodes.add(e.nodeName()));
            }
        }
        return nodes;
    }

    /** The gateway (node pool) the node is a member of. */
    public Optional<GatewayTopology> poolOf(String node) {
        return gateways.values().stream().filter(g -> g.members().stream().anyMatch(m -> m.nodeName().equals(node))).findFirst();
    }

    /** The edge pool's active proxy endpoints, by which its nodes are reached. */
    public List<String> proxyEndpointsOf(String gatewayName) {
        GatewayTopology gateway = gateways.get(gatewayName);
        return gateway == null ? List.of() : gateway.endpoints().stream().filter(e -> e.type() == EndpointType.PROXY)
                .map(GatewayTopology.Endpoint::nodeName).toList();
    }

    /**
     * The route to a node of an edge pool, named by its node name or its address. Cloud nodes and
     * unknown hosts have none: the cloud side never relays to them.
     */
    public Optional<Route> route(String host) {
        for (GatewayTopology gateway : gateways.values()) {
            if (!gateway.edge()) {
                continue;
            }
            for (GatewayTopology.Member member : gateway.members()) {
                if (member.nodeName().equals(host) || host.equals(member.privateIp())) {
                    return Optional.of(new Route(gateway.gatewayName(), member.nodeName(), member.privateIp()));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClusterView view && view.clusterId.equals(clusterId) && view.gateways.equals(gateways);
    }

    @Override
    public int hashCode() {
        return gateways.hashCode();
    }

    @Override
    public String toString() {
        return "ClusterView[" + clusterId + ", gateways " + gateways.keySet() + ", generation " + generation() + "]";
    }
}
