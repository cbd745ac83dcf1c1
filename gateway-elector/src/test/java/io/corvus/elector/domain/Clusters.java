package io.corvus.elector.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.corvus.events.Raven;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.NodeObserved;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generated clusters for the election's properties, and small builders for its examples. */
final class Clusters {

    static final Instant NOW = Instant.parse("2026-11-26T08:00:00Z");
    static final ElectionSettings SETTINGS = ElectionSettings.DEFAULTS;

    /** One node as generated: its pool, and how alive it is. */
    record GeneratedNode(int pool, boolean ready, int heartbeatAgeMillis, boolean pinned, boolean recovering, boolean tunnelKey) {
    }

    private Clusters() {
    }

    static Arbitrary<Election.Input> inputs() {
        Arbitrary<GeneratedNode> node = Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.of(true, true, true, false),
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 2_999)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(3_001, 60_000)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(-1))),
                Arbitraries.of(false, false, false, false, false, true),
                Arbitraries.of(false, false, false, true),
                Arbitraries.of(true, true, true, false)).as(GeneratedNode::new);
        return Combinators.combine(
                node.list().ofMaxSize(24),
                Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(0, 1),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false)).as((nodes, proxyReplicas, tunnelReplicas, proxy, tunnel) ->
                        input(nodes, config(proxy, tunnel, proxyReplicas, tunnelReplicas), Map.of()));
    }

    static Election.Input input(List<GeneratedNode> generated, NetworkConfig config, Map<String, GatewayTopology> previous) {
        List<NodeObserved> nodes = new ArrayList<>();
        Map<String, NodeHealth> health = new HashMap<>();
        for (int i = 0; i < generated.size(); i++) {
            GeneratedNode g = generated.get(i);
            String name = "node-" + i;
            nodes.add(node(name, "pool-" + g.pool(), g.ready(), g.pinned()));
            if (g.heartbeatAgeMillis() >= 0) {
                NodeHealth heard = NodeHealth.heardAt(NOW.minusMillis(g.heartbeatAgeMillis())).recoveredAt(g.recovering() ? NOW.minusSeconds(5) : null);
                health.put(name, g.tunnelKey() ? heard.withTunnelKey("key-of-" + name) : heard);
            }
        }
        return new Election.Input("c1", config, nodes, health, previous, null, NOW, SETTINGS);
    }

    static NetworkConfig config(boolean proxy, boolean tunnel, int proxyReplicas, int tunnelReplicas) {
        Map<String, NetworkConfig.NodePoolSettings> pools = new HashMap<>();
        for (int pool = 0; pool < 4; pool++) {
            pools.put("pool-" + pool, new NetworkConfig.NodePoolSettings(proxyReplicas, tunnelReplicas));
        }
        return new NetworkConfig(new NetworkConfig.ModeSettings(proxy), NetworkConfig.TunnelSettings.OFF.enabled(tunnel),
                List.of("203.0.113.0/24", "100.64.0.0/10"), pools, new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool", "openyurt.io/is-edge-worker=true"),
                NetworkConfig.CloudSettings.local(100));
    }

    static NodeObserved node(String name, String pool, boolean ready, boolean pinned) {
        Map<String, String> labels = new HashMap<>(Map.of(Raven.DEFAULT_NODE_POOL_KEY, pool, "openyurt.io/is-edge-worker", "true"));
        if (pinned) {
            labels.put(Raven.GATEWAY_PIN_LABEL, "true");
        }
        return NodeObserved.of("c1", name, labels, ready, List.of("192.168.0." + (name.hashCode() & 0x7f)),
                List.of(), List.of("10.244." + (name.hashCode() & 0x7f) + ".0/24"), NOW);
    }

    static Election.Input withPrevious(Election.Input input, Map<String, GatewayTopology> previous) {
        return new Election.Input(input.clusterId(), input.config(), input.nodes(), input.health(), previous,
                input.cloudExposure(), input.now(), input.settings());
    }

    /** The same cluster with every heartbeat gone stale (never heard, even). */
    static Election.Input inputsWithAllStale(Election.Input input) {
        return new Election.Input(input.clusterId(), input.config(), input.nodes(), Map.of(), input.previous(),
                input.cloudExposure(), input.now(), input.settings());
    }

    static Election.Input withoutNode(Election.Input input, String nodeName) {
        return new Election.Input(input.clusterId(), input.config(),
                input.nodes().stream().filter(n -> !n.nodeName().equals(nodeName)).toList(),
                input.health(), input.previous(), input.cloudExposure(), input.now(), input.settings());
    }
}
