package io.corvus.elector.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.corvus.events.payload.GatewayTopology.Endpoint;
import io.corvus.events.payload.GatewayTopology.EndpointType;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.NodeObserved;

/**
 * Gateway election for one cluster, as a pure function: configuration, nodes, agent health, the
 * previous topology and the time in; the topology of every gateway (node pool) that changed out.
 *
 * <p>A tunnel endpoint must also have a WireGuard public key in its heartbeat.
 *
 * <p>Pool, edge and pin come from each node's labels with the configuration's label keys
 * ({@link NodeClass}). Per pool and per mode: candidates are Ready nodes with a fresh heartbeat; if any candidate is
 * pinned ({@code raven.openyurt.io/gateway-node=true}) only pinned ones count. Active endpoints
 * stay while they remain candidates; free slots go to the candidates with the highest rendezvous
 * score, steady nodes before nodes still in their hold-down after a failure. Every change bumps
 * the generation.
 *
 * <p>Late heartbeats alone are weak evidence (a busy node, a long pause): an active endpoint whose
 * heartbeat went stale but whose Node is still Ready stays while another agent reports a working
 * link or tunnel to it within the freshness window ({@link NodeHealth#vouchedAt()}), or while no
 * candidate is free to take its place, since there is nowhere better to go. It goes when its Node
 * is NotReady or gone, or when it is silent, unvouched and a candidate can replace it.
 */
public final class Election {

    /** Everything the election of one cluster depends on. */
    public record Input(
            String clusterId,
            NetworkConfig config,
            Collection<NodeObserved> nodes,
            Map<String, NodeHealth> health,
            Map<String, GatewayTopology> previous,
            GatewayTopology.CloudExposure cloudExposure,
            Instant now,
            ElectionSettings settings) {
    }

    private Election() {
    }

    /** The gateways whose topology changed, with their next generation, by gateway name. */
    public static Map<String, GatewayTopology> decide(Input input) {
        if (input.config() == null && input.previous().isEmpty()) {
            return Map.of(); // a cluster that was never configured has no gateways yet
        }
        NetworkConfig.NodeLabels keys = input.config() == null ? null : input.config().nodeLabels();
        Map<String, List<Classified>> pools = new HashMap<>();
        for (NodeObserved node : input.nodes()) {
            NodeClass nodeClass = NodeClass.of(node, keys);
            if (nodeClass.pool() != null) {
                pools.computeIfAbsent(nodeClass.pool(), pool -> new ArrayList<>()).add(new Classified(node, nodeClass));
            }
        }
        Set<String> gateways = new TreeSet<>(pools.keySet());
        gateways.addAll(input.previous().keySet());
        Map<String, GatewayTopology> changed = new LinkedHashMap<>();
        for (String gateway : gateways) {
            GatewayTopology previous = input.previous().get(gateway);
            GatewayTopology next = gateway(input, gateway, pools.getOrDefault(gateway, List.of()), previous);
            if (previous == null || !sameContent(previous, next)) {
                changed.put(gateway, next);
            }
        }
        return changed;
    }

    /** A node with the class the configuration's label keys give it. */
    private record Classified(NodeObserved node, NodeClass nodeClass) {
    }

    private static GatewayTopology gateway(Input input, String pool, List<Classified> members, GatewayTopology previous) {
        NetworkConfig config = input.config();
        boolean proxy = config != null && config.proxy().enabled();
        boolean tunnel = config != null && config.tunnel().enabled();
        NetworkConfig.NodePoolSettings overrides = config == null ? null : config.nodePools().get(pool);
        int proxyReplicas = !proxy ? 0 : overrides == null ? 1 : overrides.proxyReplicas();
        int tunnelReplicas = !tunnel ? 0 : overrides == null ? 1 : overrides.tunnelReplicas();

        List<Classified> eligible = members.stream().filter(member -> isCandidate(member.node(), input)).toList();
        if (eligible.stream().anyMatch(member -> member.nodeClass().pinned())) {
            eligible = eligible.stream().filter(member -> member.nodeClass().pinned()).toList();
        }
        List<NodeObserved> candidates = eligible.stream().map(Classified::node).toList();
        Map<String, Classified> byName = members.stream().collect(Collectors.toMap(m -> m.node().nodeName(), m -> m, (a, b) -> a));
        List<Endpoint> endpoints = new ArrayList<>();
        endpoints.addAll(choose(input, pool, EndpointType.PROXY, proxyReplicas, candidates, previous, byName));
        // a tunnel endpoint needs the WireGuard public key its agent reports (none without the cluster's preshared key)
        List<NodeObserved> withKeys = candidates.stream().filter(node -> input.health().get(node.nodeName()).tunnelPublicKey() != null)
                .toList();
        endpoints.addAll(choose(input, pool, EndpointType.TUNNEL, tunnelReplicas, withKeys, previous, byName));
        endpoints.sort(Comparator.comparing(Endpoint::type).thenComparing(Endpoint::nodeName));

        List<GatewayTopology.Member> memberList = members.stream().map(Classified::node)
                .sorted(Comparator.comparing(NodeObserved::nodeName))
                .map(node -> new GatewayTopology.Member(node.nodeName(), first(node.internalIps()), node.podCidrs()))
                .toList();
        boolean edge = members.isEmpty() ? previous != null && previous.edge() : members.getFirst().nodeClass().edge();
        long generation = previous == null ? 1 : previous.generation() + 1;
        List<String> acl = config == null ? List.of() : config.accessControlList();
        return new GatewayTopology(input.clusterId(), pool, generation, pool, edge, proxy, tunnel, endpoints, memberList,
                input.cloudExposure(), acl, input.now(), tunnelNetwork(config));
    }

    private static List<Endpoint> choose(Input input, String pool, EndpointType type, int replicas,
            List<NodeObserved> candidates, GatewayTopology previous, Map<String, Classified> members) {
        if (replicas == 0) {
            return List.of();
        }
        Map<String, NodeObserved> byName = candidates.stream()
                .collect(Collectors.toMap(NodeObserved::nodeName, n -> n, (a, b) -> a, TreeMap::new));
        List<Endpoint> held = previous == null ? List.of()
                : previous.endpoints().stream().filter(endpoint -> endpoint.type() == type).toList();
        long spare = byName.keySet().stream().filter(name -> held.stream().noneMatch(e -> e.nodeName().equals(name))).count();
        boolean pinnedCandidates = candidates.stream().anyMatch(node -> members.get(node.nodeName()).nodeClass().pinned());
        List<Endpoint> chosen = new ArrayList<>();
        for (Endpoint endpoint : held) {
            NodeObserved stillCandidate = byName.get(endpoint.nodeName());
            if (chosen.size() >= replicas) {
                break;
            }
            if (stillCandidate != null) {
                chosen.add(endpoint(stillCandidate, type, input.health().getOrDefault(stillCandidate.nodeName(), NodeHealth.UNKNOWN)));
            } else if (holdsThroughSilence(members.get(endpoint.nodeName()), pinnedCandidates, input)) {
                if (vouched(endpoint.nodeName(), input)) {
                    chosen.add(endpoint);
                } else if (spare == 0) {
                    chosen.add(endpoint); // no candidate to take its place: keep what may still work
                } else {
                    spare--;
                }
            }
        }
        if (chosen.size() < replicas) {
            List<Ranked> free = new ArrayList<>();
            for (NodeObserved node : byName.values()) {
                if (chosen.stream().noneMatch(e -> e.nodeName().equals(node.nodeName()))) {
                    free.add(new Ranked(node, inHoldDown(node, input), Rendezvous.score(input.clusterId(), pool, node.nodeName())));
                }
            }
            free.sort(Ranked.ORDER);
            for (int i = 0; i < free.size() && chosen.size() < replicas; i++) {
                NodeObserved node = free.get(i).node();
                chosen.add(endpoint(node, type, input.health().getOrDefault(node.nodeName(), NodeHealth.UNKNOWN)));
            }
        }
        return chosen;
    }

    /**
     * Whether an active endpoint that is no candidate any more (its heartbeat is late) may stay: its
     * Node is still in the pool and Ready, and a pinned candidate does not outrank it.
     */
    private static boolean holdsThroughSilence(Classified member, boolean pinnedCandidates, Input input) {
        return member != null && member.node().ready() && (!pinnedCandidates || member.nodeClass().pinned())
                && !input.settings().isFresh(input.health().getOrDefault(member.node().nodeName(), NodeHealth.UNKNOWN).lastHeartbeat(),
                        input.now());
    }

    /** Another agent reported a working link or tunnel to the node within the freshness window. */
    public static boolean vouched(String nodeName, Input input) {
        NodeHealth health = input.health().get(nodeName);
        return health != null && input.settings().isFresh(health.vouchedAt(), input.now());
    }

    /** A free candidate with its rank, computed once: steady before recovering, then highest score, then name. */
    private record Ranked(NodeObserved node, boolean recovering, long score) {
        static final Comparator<Ranked> ORDER = Comparator.comparing(Ranked::recovering)
                .thenComparing(Ranked::score, Comparator.reverseOrder())
                .thenComparing(r -> r.node().nodeName());
    }

    /** Ready, with a heartbeat no older than the configured number of missed beats. */
    public static boolean isCandidate(NodeObserved node, Input input) {
        if (!node.ready()) {
            return false;
        }
        NodeHealth health = input.health().get(node.nodeName());
        return health != null && input.settings().isFresh(health.lastHeartbeat(), input.now());
    }

    private static boolean inHoldDown(NodeObserved node, Input input) {
        NodeHealth health = input.health().get(node.nodeName());
        return health != null && health.recoveredAt() != null
                && health.recoveredAt().plus(input.settings().holdDown()).isAfter(input.now());
    }

    private static Endpoint endpoint(NodeObserved node, EndpointType type, NodeHealth health) {
        String publicIp = node.externalIps().isEmpty() ? health.observedPublicIp() : node.externalIps().getFirst();
        return new Endpoint(node.nodeName(), type, first(node.internalIps()), publicIp,
                type == EndpointType.PROXY ? health.proxyServerPort() : null,
                type == EndpointType.TUNNEL ? health.tunnelPublicKey() : null);
    }

    /** Equal apart from generation and publication time: publishing it again would say nothing new. */
    static boolean sameContent(GatewayTopology a, GatewayTopology b) {
        return a.edge() == b.edge() && a.proxyEnabled() == b.proxyEnabled() && a.tunnelEnabled() == b.tunnelEnabled()
                && Objects.equals(a.nodePool(), b.nodePool()) && a.endpoints().equals(b.endpoints())
                && a.members().equals(b.members()) && Objects.equals(a.cloudExposure(), b.cloudExposure())
                && a.accessControlList().equals(b.accessControlList()) && Objects.equals(a.tunnelNetwork(), b.tunnelNetwork());
    }

    /** The tunnel's layout for the agents, while tunnel mode is on. */
    private static GatewayTopology.TunnelNetwork tunnelNetwork(NetworkConfig config) {
        return config == null || !config.tunnel().enabled() ? null
                : new GatewayTopology.TunnelNetwork(config.tunnel().vni(), config.tunnel().flatNetwork());
    }

    private static String first(List<String> values) {
        return values.isEmpty() ? null : values.getFirst();
    }
}
