package io.corvus.agent.tunnel;

import java.time.Instant;
import java.util.List;

/**
 * What this node's tunnel does now, for the heartbeat, the metrics and the readiness check.
 *
 * @param role      none, member (VXLAN to its gateway) or gateway (WireGuard to other pools)
 * @param problem   why the tunnel cannot do what the topology asks, or null
 * @param mtu       the MTU of the tunnel's links, when it has any
 * @param driver    where WireGuard runs, on a gateway
 * @param publicKey the node's WireGuard public key (base64), once it has its keys
 */
public record TunnelStatus(Role role, String problem, Integer mtu, String driver, String publicKey, List<Peer> peers) {

    public enum Role { NONE, MEMBER, GATEWAY }

    public static final TunnelStatus OFF = new TunnelStatus(Role.NONE, null, null, null, null, List.of());

    public TunnelStatus {
        peers = List.copyOf(peers);
    }

    /**
     * One WireGuard peer of a gateway.
     *
     * @param latestHandshake the last handshake completed with it, or null
     * @param rxBytes         what WireGuard received from it (its own count, with its overhead)
     * @param rxPackets       pod packets that came from it, counted by nftables
     * @param probeOk         whether it answered the last probe, null before the first
     */
    public record Peer(String nodeName, String endpoint, Instant latestHandshake, long rxBytes, long txBytes, long rxPackets,
            long txPackets, Boolean probeOk, Double probeRttMillis) {

        /** The same peer with the outcome of a probe. */
        public Peer probed(Boolean ok, Double rttMillis) {
            return new Peer(nodeName, endpoint, latestHandshake, rxBytes, txBytes, rxPackets, txPackets, ok, rttMillis);
        }
    }

    /** Ready: no problem, and on a gateway every peer answered its last probe. */
    public boolean ready() {
        return problem == null && peers.stream().allMatch(peer -> Boolean.TRUE.equals(peer.probeOk()));
    }
}
