package io.corvus.agent.proxy;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.corvus.events.payload.AgentHeartbeat.Role;

/**
 * What the agent reports about its proxy, for the heartbeat and the health check.
 *
 * @param peers           the nodes at the other end of this agent's links
 * @param linkUp          false while an edge gateway has no link to the cloud yet
 * @param problem         why a role the topology asks for cannot run, or null
 * @param observedAddress the address the cloud side sees this edge gateway coming from, when known
 * @param linkPort        the port this agent's link server listens on (or would, once elected)
 * @param certificateNotAfter when the node's certificate expires, null without one
 */
public record ProxyStatus(Set<Role> roles, List<String> peers, boolean linkUp, String problem, String observedAddress,
        int openStreams, long bytesIn, long bytesOut, int linkPort, Instant certificateNotAfter) {

    public ProxyStatus {
        roles = Set.copyOf(roles);
        peers = List.copyOf(peers);
    }
}
