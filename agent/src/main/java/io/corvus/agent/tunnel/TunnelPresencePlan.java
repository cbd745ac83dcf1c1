package io.corvus.agent.tunnel;

import java.util.Optional;
import java.util.Set;

/**
 * Whom a tunnel gateway holds a presence connection with. WireGuard has no connection that ends
 * when a gateway's agent dies, so beside each WireGuard peering (hub and spoke) the agents keep a
 * TCP connection over the underlay: the hub accepts one from each other gateway, and each of those
 * dials the hub at the host its WireGuard peer is dialled at. Its close is the fast sign of a dead
 * process, as the proxy link's is in proxy mode.
 *
 * @param serves whether this node is the hub and listens
 * @param spokes on the hub: the gateways that may hold a connection with it
 * @param hub    on any other gateway: the hub's node, and the host to dial it at
 */
public record TunnelPresencePlan(boolean serves, Set<String> spokes, Optional<Hub> hub) {

    public static final TunnelPresencePlan NONE = new TunnelPresencePlan(false, Set.of(), Optional.empty());

    public TunnelPresencePlan {
        spokes = Set.copyOf(spokes);
    }

    /** The hub of the tunnel: where it is dialled, and the node its certificate must name. */
    public record Hub(String nodeName, String host) {
    }

    static TunnelPresencePlan ofHub(Set<String> spokes) {
        return new TunnelPresencePlan(true, spokes, Optional.empty());
    }

    static TunnelPresencePlan ofSpoke(String hubNode, String host) {
        return new TunnelPresencePlan(false, Set.of(), Optional.of(new Hub(hubNode, host)));
    }
}
