package io.corvus.elector.app;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.corvus.elector.domain.Election;
import io.corvus.elector.domain.ElectionSettings;
import io.corvus.elector.domain.NodeHealth;
import io.corvus.events.Raven;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NodeObserved;

/**
 * What the elector knows of one cluster, built from its events: configuration, nodes, agent
 * health, cloud entry and the topology already on the topic. Every apply is idempotent, ignores
 * what is older than what it holds, and says whether the cluster needs an election now. Not
 * thread-safe: {@link ElectionLoop} holds the model's monitor around each use, never across I/O.
 */
final class ClusterModel {

    private final String clusterId;
    private ConfigChanged config;
    private final Map<String, NodeObserved> nodes = new HashMap<>();
    private final Map<String, NodeHealth> health = new HashMap<>();
    private final Map<String, GatewayTopology> published = new HashMap<>();
    private GatewayTopology.CloudExposure exposure;

    ClusterModel(String clusterId) {
        this.clusterId = clusterId;
    }

    boolean apply(ConfigChanged event) {
        if (config == null || event.revision() > config.revision()) {
            config = event;
            return true;
        }
        return false;
    }

    boolean removeConfig() {
        config = null;
        return true;
    }

    boolean apply(NodeObserved node, Instant now) {
        NodeObserved before = nodes.put(node.nodeName(), node);
        if (before != null && !before.ready() && node.ready()) {
            recovered(node.nodeName(), now);
        }
        return !node.equals(before);
    }

    boolean removeNode(String nodeName) {
        return nodes.remove(nodeName) != null;
    }

    /**
     * A heartbeat counts from when it was sent (never later than now). One that ends a silence
     * longer than the freshness window starts the node's hold-down.
     */
    boolean apply(AgentHeartbeat heartbeat, Instant now, ElectionSettings settings) {
        Instant sent = heartbeat.sentAt().isAfter(now) ? now : heartbeat.sentAt();
        NodeHealth before = health.getOrDefault(heartbeat.nodeName(), NodeHealth.UNKNOWN);
        if (before.lastHeartbeat() != null && !sent.isAfter(before.lastHeartbeat())) {
            return false;
        }
        boolean wasFresh = settings.isFresh(before.lastHeartbeat(), now);
        Instant recoveredAt = before.recoveredAt();
        if (before.lastHeartbeat() != null && !settings.isFresh(before.lastHeartbeat(), sent)) {
            recoveredAt = sent; // this heartbeat ends a silence longer than the window
        }
        NodeHealth after = before.heard(sent, heartbeat).recoveredAt(recoveredAt);
        health.put(heartbeat.nodeName(), after);
        // the agents this one holds a proxy link with, or whose probes answer through its tunnel, are
        // there whatever their own heartbeats say: a link closes at once when its process dies, and
        // within the link's keepalive when its node freezes
        for (String peer : vouchedFor(heartbeat)) {
            health.put(peer, health.getOrDefault(peer, NodeHealth.UNKNOWN).vouchedAt(sent));
        }
        boolean lostAPeer = false;
        // a stopping agent closes its links itself: that says nothing about its peers
        for (String peer : heartbeat.stopping() ? List.<String>of() : heartbeat.lostPeers()) {
            NodeHealth peerHealth = health.getOrDefault(peer, NodeHealth.UNKNOWN);
            health.put(peer, peerHealth.linkLostAt(heartbeat.nodeName(), sent));
            lostAPeer |= !peerHealth.equals(health.get(peer));
        }
        return !wasFresh || !before.sameDetails(after) || before.stopping() != after.stopping() || lostAPeer;
    }

    /** The peers whose proxy link or tunnel probe works, by this heartbeat. */
    private static Set<String> vouchedFor(AgentHeartbeat heartbeat) {
        Set<String> peers = new HashSet<>(heartbeat.linkedPeers());
        if (heartbeat.tunnel() != null) {
            heartbeat.tunnel().peers().stream().filter(peer -> Boolean.TRUE.equals(peer.probeOk()))
                    .forEach(peer -> peers.add(peer.nodeName()));
        }
        return peers;
    }

    private void recovered(String nodeName, Instant now) {
        health.put(nodeName, health.getOrDefault(nodeName, NodeHealth.UNKNOWN).recoveredAt(now));
    }

    boolean apply(CloudState state) {
        String address = !state.eipIp().isEmpty() ? state.eipIp() : state.loadBalancerIp();
        GatewayTopology.CloudExposure next = address.isEmpty() ? null : new GatewayTopology.CloudExposure(address, Raven.PROXY_LINK_PORT);
        boolean changed = !Objects.equals(exposure, next);
        exposure = next;
        return changed;
    }

    /** A topology on the topic, ours or an earlier owner's: the newest generation per gateway wins. */
    boolean apply(GatewayTopology topology) {
        GatewayTopology held = published.get(topology.gatewayName());
        if (held == null || topology.generation() > held.generation()) {
            published.put(topology.gatewayName(), topology);
            return true;
        }
        return false;
    }

    /**
     * The next moment an active endpoint's own heartbeat or a peer's word for it goes stale, or the
     * grace after its lost link ends, unless a heartbeat comes first: when the election must look
     * again.
     */
    Optional<Instant> nextExpiry(Instant now, ElectionSettings settings) {
        return published.values().stream().flatMap(gateway -> gateway.endpoints().stream())
                .map(endpoint -> health.get(endpoint.nodeName()))
                .filter(Objects::nonNull)
                .flatMap(h -> Stream.of(expiry(h.lastHeartbeat(), settings.freshness()), expiry(h.vouchedAt(), settings.freshness()),
                        h.linkLost() == null ? null : expiry(h.linkLost().at(), settings.linkLossGrace())))
                .filter(Objects::nonNull)
                .filter(at -> at.isAfter(now))
                .min(Instant::compareTo);
    }

    private static Instant expiry(Instant at, Duration after) {
        return at == null ? null : at.plus(after).plusMillis(1);
    }

    Map<String, GatewayTopology> elect(Instant now, ElectionSettings settings) {
        return Election.decide(new Election.Input(clusterId, config == null ? null : config.config(), nodes.values(),
                health, published, exposure, now, settings));
    }

    Map<String, GatewayTopology> published() {
        return Map.copyOf(published);
    }
}
