package io.corvus.launcher;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

import io.corvus.events.Raven;
import io.corvus.events.payload.GatewayTopology.EndpointType;
import io.corvus.events.view.OverviewSnapshot;

/** Where the user commands send requests into the proxy: a cloud gateway's HTTP door, and a node of an edge pool behind it. */
final class ProxyDoor {

    private ProxyDoor() {
    }

    /** {@code door} (HOST:PORT) when given, else the cloud proxy endpoint's address at the default door port. */
    static Optional<InetSocketAddress> address(OverviewSnapshot.Cluster state, String door) {
        if (door != null) {
            return Optional.of(HostPort.parse(door, "--door", 0));
        }
        return state.gateways().stream().filter(g -> !g.edge()).flatMap(g -> g.endpoints().stream())
                .filter(e -> e.type() == EndpointType.PROXY && e.privateIp() != null).findFirst()
                .map(e -> new InetSocketAddress(e.privateIp(), Raven.PROXY_HTTP_PORT));
    }

    /** A member of the pool other than its gateway when it has one (the request crosses the pool too), at {@code port}. */
    static String target(OverviewSnapshot.Gateway gateway, int port) {
        List<String> gatewayNodes = gateway.endpoints().stream().map(OverviewSnapshot.Endpoint::nodeName).toList();
        String node = gateway.members().stream().filter(m -> !gatewayNodes.contains(m)).findFirst()
                .orElse(gatewayNodes.isEmpty() ? gateway.members().getFirst() : gatewayNodes.getFirst());
        return node + ":" + port;
    }
}
