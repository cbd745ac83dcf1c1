package io.corvus.events.payload;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.corvus.events.EventKey;

/**
 * An agent's sign of life ({@code corvus.agent-status.v1}, key {@code clusterId/nodeName}). The
 * elector counts a node as a gateway candidate only while these keep coming.
 *
 * @param topologyGeneration the newest topology generation the agent applied, 0 before any
 * @param observedPublicIp   the source address the cloud side saw, when known
 * @param tunnelPublicKey    the agent's tunnel-mode public key (base64), when it has one
 * @param tunnelPeers        the nodes at the other end of its proxy links: the old name of
 *                           {@code proxyPeers}, still written for readers of before tunnel mode
 * @param proxyServerPort    the port its proxy link server listens on (or would, once elected)
 *                           when that is not 10280, else null
 * @param proxyPeers         the nodes at the other end of its proxy links (null from writers of
 *                           before tunnel mode: read {@code tunnelPeers} then)
 * @param tunnel             its tunnel mode, when tunnel mode is on for its cluster
 * @param lostPeers          the peers whose proxy link closed since the last heartbeat while they
 *                           were still talking: the sign of a process that died (its kernel closed
 *                           the connection at once); a link given up after silence is not listed
 *                           (empty from writers of before)
 * @param stopping           the agent's last word before it shuts down: its roles end now (never
 *                           null: absent, from writers of before, reads as false)
 * @param certificateNotAfter when the node's certificate for proxy links expires, while it has one
 *                           (null from writers of before, and on nodes without one)
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
        Integer proxyServerPort,
        List<String> proxyPeers,
        TunnelReport tunnel,
        List<String> lostPeers,
        Boolean stopping,
        Instant certificateNotAfter) implements CorvusEvent {

    /** What an agent currently does on its node. */
    public enum Role {
        /** a cloud gateway's active proxy endpoint: link server and front doors */
        PROXY_SERVER,
        /** an edge gateway's active proxy endpoint: dials the cloud and serves its pool */
        PROXY_CLIENT,
        /** a gateway's active tunnel endpoint */
        TUNNEL_ENDPOINT
    }

    /**
     * Tunnel mode on this node.
     *
     * @param state   off (no tunnel role here), ready (its tunnel does what the topology asks and its
     *                peers answer), not-ready (with the problem)
     * @param mtu     the MTU of the tunnel's links, when it has any
     * @param driver  {@code kernel} or {@code wireguard-go}, on a gateway
     */
    public record TunnelReport(TunnelState state, String problem, Integer mtu, String driver, List<TunnelPeer> peers) {
        public TunnelReport {
            Checks.present(state, "tunnel.state");
            peers = Checks.list(peers);
        }
    }

    public enum TunnelState {
        OFF, READY, NOT_READY;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        @JsonCreator
        public static TunnelState fromWireName(String wireName) {
            for (TunnelState state : values()) {
                if (state.wireName().equals(wireName)) {
                    return state;
                }
            }
            throw new IllegalArgumentException("unknown tunnel state '" + wireName + "'");
        }
    }

    /**
     * One WireGuard peer of a gateway.
     *
     * @param endpoint        where its packets come from (address:port), when known
     * @param latestHandshake its last completed handshake, or null when there was none
     * @param rxBytes         what WireGuard received from it, its own overhead included ({@code txBytes} the other way)
     * @param rxPackets       the pod packets that came from it ({@code txPackets}: went to it), counted by nftables
     * @param probeOk         whether it answered the last probe through the tunnel, null before the first
     * @param probeRttMillis  how long that answer took
     * @param presence        whether this gateway holds a presence connection with it (whose close
     *                        reports it lost at once), null from an agent that has none
     */
    public record TunnelPeer(String nodeName, String endpoint, Instant latestHandshake, long rxBytes, long txBytes, long rxPackets,
            long txPackets, Boolean probeOk, Double probeRttMillis, Boolean presence) {
        public TunnelPeer {
            Checks.text(nodeName, "tunnel.peers[].nodeName");
            Checks.atLeast(rxBytes, 0, "tunnel.peers[].rxBytes");
            Checks.atLeast(txBytes, 0, "tunnel.peers[].txBytes");
            Checks.atLeast(rxPackets, 0, "tunnel.peers[].rxPackets");
            Checks.atLeast(txPackets, 0, "tunnel.peers[].txPackets");
        }
    }

    public AgentHeartbeat {
        Checks.clusterId(clusterId);
        EventKey.of(clusterId, Checks.text(nodeName, "nodeName"));
        Checks.present(sentAt, "sentAt");
        // in the enum's order: Set.copyOf's order changes from one JVM to the next, and so would the event's bytes
        roles = roles == null || roles.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(roles));
        Checks.atLeast(topologyGeneration, 0, "topologyGeneration");
        Checks.atLeast(openStreams, 0, "openStreams");
        tunnelPeers = Checks.list(tunnelPeers);
        lostPeers = Checks.list(lostPeers);
        stopping = Boolean.TRUE.equals(stopping);
        proxyPeers = proxyPeers == null ? null : List.copyOf(proxyPeers);
        Checks.atLeast(bytesIn, 0, "bytesIn");
        Checks.atLeast(bytesOut, 0, "bytesOut");
        if (proxyServerPort != null && (proxyServerPort < 1 || proxyServerPort > 65535)) {
            throw new IllegalArgumentException("proxyServerPort must be a port from 1 to 65535, got " + proxyServerPort);
        }
    }

    /** The heartbeat of an agent that does nothing yet: no role, no topology, no traffic. */
    public static AgentHeartbeat idle(String clusterId, String nodeName, Instant sentAt) {
        return new AgentHeartbeat(clusterId, nodeName, sentAt, Set.of(), 0, 0, List.of(), 0, 0, null, null, null, List.of(), null, List.of(),
                false, null);
    }

    /** This heartbeat as the agent's last word: it is stopping, its roles end now. */
    public AgentHeartbeat lastWord() {
        return new AgentHeartbeat(clusterId, nodeName, sentAt, roles, topologyGeneration, openStreams, tunnelPeers, bytesIn, bytesOut,
                observedPublicIp, tunnelPublicKey, proxyServerPort, proxyPeers, tunnel, lostPeers, true, certificateNotAfter);
    }

    /** Whether this agent's tunnel holds a presence connection with {@code peer}. */
    public boolean holdsTunnelPresenceWith(String peer) {
        return tunnel != null && tunnel.peers().stream().anyMatch(p -> p.nodeName().equals(peer) && Boolean.TRUE.equals(p.presence()));
    }

    /** The nodes at the other end of its proxy links, from this writer or one of before tunnel mode. */
    public List<String> linkedPeers() {
        return proxyPeers != null ? proxyPeers : tunnelPeers;
    }

    @Override
    public String recordKey() {
        return EventKey.of(clusterId, nodeName).wireForm();
    }
}
