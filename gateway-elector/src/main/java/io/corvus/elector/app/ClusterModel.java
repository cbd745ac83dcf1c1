package io.corvus.elector.app;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

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
 * health, cloud entry and the topology already on the topic. Every apply is idempotent and ignores
 * what is older than what it holds. Not thread-safe: {@link ElectionLoop} guards it.
 */
final class ClusterModel {

    private final String clusterId;
    private ConfigChanged config;
    private final Map<String, NodeObserved> nodes = new HashMap<>();
    private final Map<String, NodeHealth> health = new HashMap<>();
    private final Map<String, GatewayTopology> published = new HashMap<>();
    private GatewayTopology.CloudExposure exposure;
    private boolean dirty = true;

    ClusterModel(String clusterId) {
        this.clusterId = clusterId;
    }

    void apply(ConfigChanged event) {
        if (config == null || event.revision() > config.revision()) {
            config = event;
            dirty = true;
        }
    }

    void removeConfig() {
        config = null;
        dirty = true;
    }

    void apply(NodeObserved node, Instant now) {
        NodeObserved before = nodes.put(node.nodeName(), node);
        if (before != null && !before.ready() && node.ready()) {
            recovered(node.nodeName(), now);
        }
        dirty |= !node.equals(before);
    }

    void removeNode(String nodeName) {
        dirty |= nodes.remove(nodeName) != null;
    }

    /**
     * A heartbeat counts from when it was sent (never later than now). One that ends a silence
     * longer than the freshness window starts the node's hold-down.
     */
    void apply(AgentHeartbeat heartbeat, Instant now, ElectionSettings settings) {
        Instant sent = heartbeat.sentAt().isAfter(now) ? now : heartbeat.sentAt();
        NodeHealth before = health.getOrDefault(heartbeat.nodeName(), NodeHealth.UNKNOWN);
        if (before.lastHeartbeat() != null && !sent.isAfter(before.lastHeartbeat())) {
            return;
        }
        boolean wasFresh = settings.isFresh(before.lastHeartbeat(), now);
        Instant recoveredAt = before.recoveredAt();
        if (before.lastHeartbeat() != null && !settings.isFresh(before.lastHeartbeat(), sent)) {
            recoveredAt = sent; // this heartbeat ends a silence longer than the window
        }
        NodeHealth after = new NodeHealth(sent, recoveredAt, heartbeat.observedPublicIp(), heartbeat.tunnelPublicKey(),
                heartbeat.proxyServerPort());
        health.put(heartbeat.nodeName(), after);
        boolean detailsChanged = !java.util.Objects.equals(before.observedPublicIp(), after.observedPublicIp())
                || !java.util.Objects.equals(before.tunnelPublicKey(), after.tunnelPublicKey())
                || !java.util.Objects.equals(before.proxyServerPort(), after.proxyServerPort());
        dirty |= !wasFresh || detailsChanged;
    }

    private void recovered(String nodeName, Instant now) {
        NodeHealth before = health.getOrDefault(nodeName, NodeHealth.UNKNOWN);
        health.put(nodeName, new NodeHealth(before.lastHeartbeat(), now, before.observedPublicIp(), before.tunnelPublicKey(),
                before.proxyServerPort()));
    }

    void apply(CloudState state) {
        String address = !state.eipIp().isEmpty() ? state.eipIp() : state.loadBalancerIp();
        GatewayTopology.CloudExposure next = address.isEmpty() ? null : new GatewayTopology.CloudExposure(address, Raven.PROXY_LINK_PORT);
        dirty |= !java.util.Objects.equals(exposure, next);
        exposure = next;
    }

    /** A topology on the topic, ours or an earlier owner's: the newest generation per gateway wins. */
    void apply(GatewayTopology topology) {
        GatewayTopology held = published.get(topology.gatewayName());
        if (held == null || topology.generation() > held.generation()) {
            published.put(topology.gatewayName(), topology);
            dirty = true;
        }
    }

    /** True when something changed since the last election, or an endpoint's heartbeat just expired. */
    boolean needsElection(Instant now, ElectionSettings settings) {
        if (dirty) {
            return true;
        }
        for (GatewayTopology gateway : published.values()) {
            for (GatewayTopology.Endpoint endpoint : gateway.endpoints()) {
                NodeHealth h = health.get(endpoint.nodeName());
                if (!settings.isFresh(h == null ? null : h.lastHeartbeat(), now)) {
                    return true;
                }
            }
        }
        return false;
    }

    Map<String, GatewayTopology> elect(Instant now, ElectionSettings settings) {
        dirty = false;
        return Election.decide(new Election.Input(clusterId, config == null ? null : config.config(), nodes.values(),
                health, published, exposure, now, settings));
    }

    Map<String, GatewayTopology> published() {
        return Map.copyOf(published);
    }
}
