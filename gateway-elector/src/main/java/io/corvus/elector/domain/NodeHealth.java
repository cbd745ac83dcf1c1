package io.corvus.elector.domain;

import java.time.Instant;
import java.util.Objects;

import io.corvus.events.payload.AgentHeartbeat;

/**
 * What the elector knows of a node's agent.
 *
 * @param lastHeartbeat    when its agent last reported, or null when it never did
 * @param recoveredAt      when it last became a candidate again after having failed, or null when
 *                         it never failed; until the hold-down has passed it is elected only when
 *                         no steadier candidate is left
 * @param observedPublicIp the public address the agent reported, if any
 * @param tunnelPublicKey  the agent's tunnel-mode public key, if any
 * @param proxyServerPort  the port of the agent's proxy link server when it is not the default
 * @param vouchedAt        when another agent last reported a working link or tunnel to this node
 *                         (its heartbeat's proxy or tunnel peers), or null: the data path's word
 *                         that the node is there, whatever its own heartbeats say
 * @param stoppingAt       when its agent's last heartbeat said it was shutting down, or null
 * @param linkLost         the last report, by the agent at the other end, that its proxy link
 *                         or tunnel presence connection closed, or null: the fast sign of a dead
 *                         process (the kernel closes its sockets at once), unless the node speaks
 *                         again after it
 */
public record NodeHealth(Instant lastHeartbeat, Instant recoveredAt, String observedPublicIp, String tunnelPublicKey,
        Integer proxyServerPort, Instant vouchedAt, Instant stoppingAt, LinkLoss linkLost) {

    /** A peer's report that its link to the node closed, sent at {@code at}. */
    public record LinkLoss(String reportedBy, Instant at) {
    }

    /** A node whose agent was never heard from. */
    public static final NodeHealth UNKNOWN = new NodeHealth(null, null, null, null, null, null, null, null);

    /** A node whose agent was last heard at {@code at}, which never failed and reported no details. */
    public static NodeHealth heardAt(Instant at) {
        return new NodeHealth(at, null, null, null, null, null, null, null);
    }

    /** This health after a heartbeat sent at {@code sent}: its details, and whether it is stopping, are the heartbeat's. */
    public NodeHealth heard(Instant sent, AgentHeartbeat heartbeat) {
        return new NodeHealth(sent, recoveredAt, heartbeat.observedPublicIp(), heartbeat.tunnelPublicKey(), heartbeat.proxyServerPort(),
                vouchedAt, heartbeat.stopping() ? sent : null, linkLost);
    }

    /** This health with the agent's WireGuard public key. */
    public NodeHealth withTunnelKey(String key) {
        return new NodeHealth(lastHeartbeat, recoveredAt, observedPublicIp, key, proxyServerPort, vouchedAt, stoppingAt, linkLost);
    }

    public NodeHealth recoveredAt(Instant at) {
        return new NodeHealth(lastHeartbeat, at, observedPublicIp, tunnelPublicKey, proxyServerPort, vouchedAt, stoppingAt, linkLost);
    }

    /** This health with a peer's report, sent at {@code at}, of a working link or tunnel to the node. */
    public NodeHealth vouchedAt(Instant at) {
        return vouchedAt != null && !at.isAfter(vouchedAt) ? this
                : new NodeHealth(lastHeartbeat, recoveredAt, observedPublicIp, tunnelPublicKey, proxyServerPort, at, stoppingAt, linkLost);
    }

    /** This health with a peer's report, sent at {@code at}, that its link to the node closed. */
    public NodeHealth linkLostAt(String reportedBy, Instant at) {
        return linkLost != null && !at.isAfter(linkLost.at()) ? this
                : new NodeHealth(lastHeartbeat, recoveredAt, observedPublicIp, tunnelPublicKey, proxyServerPort, vouchedAt, stoppingAt,
                        new LinkLoss(reportedBy, at));
    }

    /** Its agent said it was shutting down, and has not spoken since. */
    public boolean stopping() {
        return stoppingAt != null;
    }

    /**
     * A peer saw its link to the node close at least {@code grace} ago, and neither the node nor
     * another peer spoke for it since: its process is gone. The grace lets a live agent, which
     * reports at once when its link drops, say so first.
     */
    public boolean lostLink(Instant now, ElectionSettings settings) {
        return linkLost != null && (lastHeartbeat == null || lastHeartbeat.isBefore(linkLost.at()))
                && (vouchedAt == null || !vouchedAt.isAfter(linkLost.at()))
                && !now.isBefore(linkLost.at().plus(settings.linkLossGrace()));
    }

    /** Same address, key and port: nothing a topology shows changed. */
    public boolean sameDetails(NodeHealth other) {
        return Objects.equals(observedPublicIp, other.observedPublicIp) && Objects.equals(tunnelPublicKey, other.tunnelPublicKey)
                && Objects.equals(proxyServerPort, other.proxyServerPort);
    }
}
