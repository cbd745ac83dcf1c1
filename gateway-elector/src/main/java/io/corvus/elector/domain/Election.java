package io.corvus.elector.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.corvus.events.payload.GatewayTopology.Cause;
import io.corvus.events.payload.GatewayTopology.Endpoint;
import io.corvus.events.payload.GatewayTopology.EndpointChange;
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
 * is NotReady or gone, when its agent said it is shutting down, or when it is silent, unvouched
 * and a candidate can replace it. A dead process is noticed before its heartbeats go stale: the
 * peer at the other end of its proxy link sees the link close and reports it, and unless the node
 * speaks within the link-loss grace, it counts as gone ({@link NodeHealth#lostLink}).
 *
 * <p>Every endpoint that comes or goes is explained on the topology ({@link EndpointChange}).
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
        Slots slots = new Slots(input, pool, previous, byName);
        List<Endpoint> endpoints = new ArrayList<>();
        endpoints.addAll(slots.choose(EndpointType.PROXY, proxyReplicas, candidates));
        // a tunnel endpoint needs the WireGuard public key its agent reports (none without the cluster's preshared key)
        List<NodeObserved> withKeys = candidates.stream().filter(node -> input.health().get(node.nodeName()).tunnelPublicKey() != null)
                .toList();
        endpoints.addAll(slots.choose(EndpointType.TUNNEL, tunnelReplicas, withKeys));
        endpoints.sort(Comparator.comparing(Endpoint::type).thenComparing(Endpoint::nodeName));

        List<GatewayTopology.Member> memberList = members.stream().map(Classified::node)
                .sorted(Comparator.comparing(NodeObserved::nodeName))
                .map(node -> new GatewayTopology.Member(node.nodeName(), first(node.internalIps()), node.podCidrs()))
                .toList();
        boolean edge = members.isEmpty() ? previous != null && previous.edge() : members.getFirst().nodeClass().edge();
        long generation = previous == null ? 1 : previous.generation() + 1;
        List<String> acl = config == null ? List.of() : config.accessControlList();
        return new GatewayTopology(input.clusterId(), pool, generation, pool, edge, proxy, tunnel, endpoints, memberList,
                input.cloudExposure(), acl, input.now(), tunnelNetwork(config), slots.changes());
    }

    /** The endpoints of one pool, chosen per mode, and why each one came or went. */
    private static final class Slots {
        private final Input input;
        private final String pool;
        private final GatewayTopology previous;
        private final Map<String, Classified> members;
        private final List<EndpointChange> changes = new ArrayList<>();

        Slots(Input input, String pool, GatewayTopology previous, Map<String, Classified> members) {
            this.input = input;
            this.pool = pool;
            this.previous = previous;
            this.members = members;
        }

        List<EndpointChange> changes() {
            return List.copyOf(changes);
        }

        List<Endpoint> choose(EndpointType type, int replicas, List<NodeObserved> candidates) {
            List<Endpoint> held = previous == null ? List.of()
                    : previous.endpoints().stream().filter(endpoint -> endpoint.type() == type).toList();
            if (replicas == 0) {
                held.forEach(endpoint -> removed(endpoint, Cause.CONFIGURATION, input.config() == null
                        ? "the cluster's configuration was deleted" : modeName(type) + " mode is off", null));
                return List.of();
            }
            Map<String, NodeObserved> byName = candidates.stream()
                    .collect(Collectors.toMap(NodeObserved::nodeName, n -> n, (a, b) -> a, TreeMap::new));
            long spare = byName.keySet().stream().filter(name -> held.stream().noneMatch(e -> e.nodeName().equals(name))).count();
            boolean pinnedCandidates = candidates.stream().anyMatch(node -> members.get(node.nodeName()).nodeClass().pinned());
            List<Endpoint> chosen = new ArrayList<>();
            List<String> replaced = new ArrayList<>();
            for (Endpoint endpoint : held) {
                NodeObserved stillCandidate = byName.get(endpoint.nodeName());
                if (chosen.size() >= replicas) {
                    removed(endpoint, Cause.CONFIGURATION, "the pool's " + modeName(type) + " replicas are now " + replicas, null);
                } else if (stillCandidate != null) {
                    chosen.add(endpoint(stillCandidate, type, health(stillCandidate.nodeName())));
                } else {
                    Verdict verdict = noLongerCandidate(endpoint, type, pinnedCandidates, spare > 0);
                    if (verdict == null) {
                        chosen.add(endpoint);
                    } else {
                        removed(endpoint, verdict.cause(), verdict.detail(), verdict.ageMillis());
                        replaced.add(endpoint.nodeName());
                        if (verdict.takesASpare()) {
                            spare--;
                        }
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
                int freeCount = free.size();
                for (int i = 0; i < freeCount && chosen.size() < replicas; i++) {
                    NodeObserved node = free.get(i).node();
                    chosen.add(endpoint(node, type, health(node.nodeName())));
                    changes.add(added(node.nodeName(), type, pinnedCandidates, replaced, held.size(), replicas, freeCount));
                }
            }
            return chosen;
        }

        /**
         * Why an active endpoint that is no candidate any more goes, or null when it stays. Late
         * heartbeats and a lost link take it away only when a candidate can take its place; a
         * stale one stays, too, while a peer vouches for it.
         */
        private Verdict noLongerCandidate(Endpoint endpoint, EndpointType type, boolean pinnedCandidates, boolean replaceable) {
            Classified member = members.get(endpoint.nodeName());
            NodeHealth health = health(endpoint.nodeName());
            Instant now = input.now();
            if (member == null) {
                return new Verdict(Cause.NODE_GONE, "the node is no longer in pool " + pool, null, false);
            }
            if (!member.node().ready()) {
                return new Verdict(Cause.NODE_NOT_READY, "Kubernetes reports the node NotReady", null, false);
            }
            if (pinnedCandidates && !member.nodeClass().pinned()) {
                return new Verdict(Cause.PINNED, "a pinned candidate takes precedence (raven.openyurt.io/gateway-node=true)", null, false);
            }
            if (health.stopping()) {
                return new Verdict(Cause.AGENT_STOPPING, "its agent said it was shutting down " + age(health.stoppingAt(), now) + " ago",
                        millis(health.stoppingAt(), now), false);
            }
            boolean lostLink = health.lostLink(now, input.settings());
            boolean stale = !input.settings().isFresh(health.lastHeartbeat(), now);
            if (type == EndpointType.TUNNEL && health.tunnelPublicKey() == null && !lostLink && !stale) {
                return new Verdict(Cause.NO_TUNNEL_KEY, "its agent reports no WireGuard key", null, false);
            }
            if (!replaceable || (!lostLink && (!stale || vouched(endpoint.nodeName(), input)))) {
                return null; // nowhere better to go, or a peer still reports a working link: keep what may still work
            }
            if (lostLink) {
                NodeHealth.LinkLoss loss = health.linkLost();
                return new Verdict(Cause.LINK_LOST, loss.reportedBy() + " saw its connection with it close (proxy link or tunnel presence) "
                        + age(loss.at(), now) + " ago and it sent nothing since (last heartbeat " + age(health.lastHeartbeat(), now) + " old)",
                        millis(loss.at(), now), true);
            }
            return new Verdict(Cause.HEARTBEAT_STALE, "heartbeat " + (health.lastHeartbeat() == null ? "never received"
                    : age(health.lastHeartbeat(), now) + " old") + " (window " + age(input.settings().freshness())
                    + "), no peer reports a working link to it", health.lastHeartbeat() == null ? null : millis(health.lastHeartbeat(), now),
                    true);
        }

        private EndpointChange added(String nodeName, EndpointType type, boolean pinned, List<String> replaced, int held, int replicas,
                int candidates) {
            boolean modeWasOff = previous != null && !(type == EndpointType.PROXY ? previous.proxyEnabled() : previous.tunnelEnabled());
            if (previous == null || modeWasOff) {
                return new EndpointChange(nodeName, type, true, Cause.CONFIGURATION,
                        previous == null ? "the pool's first election" : modeName(type) + " mode is on", null);
            }
            if (pinned) {
                return new EndpointChange(nodeName, type, true, Cause.PINNED, "pinned with raven.openyurt.io/gateway-node=true", null);
            }
            if (!replaced.isEmpty()) {
                return new EndpointChange(nodeName, type, true, Cause.REPLACEMENT, "takes the place of " + String.join(", ", replaced)
                        + ", the best of " + candidates + " free candidate(s)", null);
            }
            return new EndpointChange(nodeName, type, true, Cause.CANDIDATE_AVAILABLE, "a free slot (" + held + " of " + replicas
                    + " held), the best of " + candidates + " free candidate(s)", null);
        }

        private void removed(Endpoint endpoint, Cause cause, String detail, Long ageMillis) {
            changes.add(new EndpointChange(endpoint.nodeName(), endpoint.type(), false, cause, detail, ageMillis));
        }

        private NodeHealth health(String nodeName) {
            return input.health().getOrDefault(nodeName, NodeHealth.UNKNOWN);
        }
    }

    /** Why an endpoint goes; {@code takesASpare}: a free candidate takes its place, so one fewer is free for the next. */
    private record Verdict(Cause cause, String detail, Long ageMillis, boolean takesASpare) {
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

    /**
     * Ready, with a heartbeat no older than the configured number of missed beats, not shutting
     * down, and not gone by a peer's word that its link closed.
     */
    public static boolean isCandidate(NodeObserved node, Input input) {
        if (!node.ready()) {
            return false;
        }
        NodeHealth health = input.health().get(node.nodeName());
        return health != null && input.settings().isFresh(health.lastHeartbeat(), input.now()) && !health.stopping()
                && !health.lostLink(input.now(), input.settings());
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

    private static String modeName(EndpointType type) {
        return type == EndpointType.PROXY ? "proxy" : "tunnel";
    }

    /** How long ago, in seconds with one decimal: "3.4 s". */
    private static String age(Instant at, Instant now) {
        return age(Duration.ofMillis(millis(at, now)));
    }

    private static String age(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private static long millis(Instant at, Instant now) {
        return Math.max(0, Duration.between(at, now).toMillis());
    }

    private static String first(List<String> values) {
        return values.isEmpty() ? null : values.getFirst();
    }
}
