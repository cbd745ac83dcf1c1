package io.corvus.events.payload;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.corvus.events.EventKey;

/**
 * An agent's sign of life ({@code corvus.agent-status.v1}, key {@code clusterId/nodeName}). The
 * elector counts a node as a gateway candidate only while these keep coming.
 *
 * @param topologyGeneration the newest topology generation the agent applied, 0 before any
 * @param observedPublicIp   the source address the cloud side saw, when known
 * @param tunnelPublicKey    the agent's tunnel-mode public key (base64), when it has one
 * @param proxyServerPort    the port its proxy tunnel server listens on (or would, once elected)
 *                           when that is not 10280, else null
 */
public record AgentHeartbeat(
        String clusterId,
        String nodeName,
        Instant sentAt,
        Set<Role> roles,
        long topologyGeneration,
        int openStreams,
        List<String> tunnelPeers,
        long bytesIn,
        long bytesOut,
        String observedPublicIp,
        String tunnelPublicKey,
        Integer proxyServerPort) implements CorvusEvent {

    /** What an agent currently does on its node. */
    public enum Role {
        /** a cloud gateway's active proxy endpoint: tunnel server and front doors */
        PROXY_SERVER,
        /** an edge gateway's active proxy endpoint: dials the cloud and serves its pool */
        PROXY_CLIENT,
        /** a gateway's active tunnel endpoint */
        TUNNEL_ENDPOINT
    }

    public AgentHeartbeat {
        Checks.clusterId(clusterId);
        EventKey.of(clusterId, Checks.text(nodeName, "nodeName"));
        Checks.present(sentAt, "sentAt");
        roles = roles == null ? Set.of() : Set.copyOf(roles);
        Checks.atLeast(topologyGeneration, 0, "topologyGeneration");
        Checks.atLeast(openStreams, 0, "openStreams");
        tunnelPeers = Checks.list(tunnelPeers);
        Checks.atLeast(bytesIn, 0, "bytesIn");
        Checks.atLeast(bytesOut, 0, "bytesOut");
        if (proxyServerPort != null && (proxyServerPort < 1 || proxyServerPort > 65535)) {
            throw new IllegalArgumentException("proxyServerPort must be a port from 1 to 65535, got " + proxyServerPort);
        }
    }

    /** The heartbeat of an agent that does nothing yet: no role, no topology, no traffic. */
    public static AgentHeartbeat idle(String clusterId, String nodeName, Instant sentAt) {
        return new AgentHeartbeat(clusterId, nodeName, sentAt, Set.of(), 0, 0, List.of(), 0, 0, null, null, null);
    }

    @Override
    public String recordKey() {
        return EventKey.of(clusterId, nodeName).wireForm();
    }
}
