package io.corvus.events.view;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.corvus.events.EventKey;
import io.corvus.events.Topic;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.CorvusEvent;
import io.corvus.events.payload.DeadLetter;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NodeObserved;
import io.corvus.events.payload.ProvisioningStep;

/**
 * What the topics say about every cluster, folded from their events: configuration, gateways with
 * their endpoints and the history of changes with reasons, nodes with their agents' last heartbeats,
 * provisioning steps and the cloud state (raven-cfg). The CLI's {@code show} and config-service's
 * topology page read the same fold, so they tell the same story. Not thread-safe: one reader feeds it.
 */
public final class Overview {

    /** How many endpoint changes per gateway and provisioning steps per cluster are kept. */
    static final int HISTORY = 50;

    private final Map<String, ConfigChanged> configs = new TreeMap<>();
    private final Map<String, GatewayState> gateways = new TreeMap<>();
    private final Map<String, NodeObserved> nodes = new TreeMap<>();
    private final Map<String, AgentHeartbeat> heartbeats = new TreeMap<>();
    private final Map<String, Deque<ProvisioningStep>> steps = new HashMap<>();
    private final Map<String, CloudState> cloudStates = new HashMap<>();
    private final Map<String, Integer> deadLetters = new HashMap<>();

    /** The latest topology of a gateway, when its endpoints last changed, and the changes before. */
    private record GatewayState(GatewayTopology latest, Instant endpointsSince, Deque<OverviewSnapshot.Change> history) {
    }

    /** Folds one event in; events older than what is known (a lower generation, revision or time) change nothing. */
    public void apply(CorvusEvent event) {
        switch (event) {
            case ConfigChanged c -> configs.merge(c.clusterId(), c, (old, now) -> now.revision() >= old.revision() ? now : old);
            case NodeObserved n -> nodes.merge(n.recordKey(), n, (old, now) -> now.observedAt().isBefore(old.observedAt()) ? old : now);
            case AgentHeartbeat h -> heartbeats.merge(h.recordKey(), h, (old, now) -> now.sentAt().isBefore(old.sentAt()) ? old : now);
            case GatewayTopology t -> applyTopology(t);
            case ProvisioningStep p -> {
                Deque<ProvisioningStep> history = steps.computeIfAbsent(p.clusterId(), id -> new ArrayDeque<>());
                history.addLast(p);
                if (history.size() > HISTORY) {
                    history.removeFirst();
                }
            }
            case CloudState s -> cloudStates.merge(s.clusterId(), s, (old, now) -> now.updatedAt().isBefore(old.updatedAt()) ? old : now);
            case DeadLetter d -> deadLetters.merge(d.clusterId(), 1, Integer::sum);
        }
    }

    /** A tombstone: the key's state is gone from a compacted topic. */
    public void remove(Topic topic, String key) {
        switch (topic) {
            case CONFIG -> configs.remove(key);
            case NODES -> nodes.remove(key);
            case TOPOLOGY -> gateways.remove(key);
            case CLOUD_STATE -> cloudStates.remove(key);
            default -> { } // delete-policy topics carry no tombstones
        }
    }

    private void applyTopology(GatewayTopology topology) {
        GatewayState known = gateways.get(topology.recordKey());
        if (known != null && topology.generation() <= known.latest().generation()) {
            return;
        }
        Deque<OverviewSnapshot.Change> history = known == null ? new ArrayDeque<>() : known.history();
        topology.changes().forEach(change -> {
            history.addLast(new OverviewSnapshot.Change(topology.publishedAt(), topology.generation(), change.nodeName(),
                    change.type(), change.added(), change.cause(), change.detail()));
            if (history.size() > HISTORY) {
                history.removeFirst();
            }
        });
        boolean endpointsMoved = known == null || !endpointNames(known.latest()).equals(endpointNames(topology));
        Instant since = endpointsMoved ? topology.publishedAt() : known.endpointsSince();
        gateways.put(topology.recordKey(), new GatewayState(topology, since, history));
    }

    private static Set<String> endpointNames(GatewayTopology topology) {
        Set<String> names = new TreeSet<>();
        topology.endpoints().forEach(e -> names.add(e.type() + ":" + e.nodeName()));
        return names;
    }

    /** Everything known now, per cluster, with ages measured from {@code now}. */
    public OverviewSnapshot snapshot(Instant now) {
        Set<String> clusterIds = new TreeSet<>(configs.keySet());
        gateways.values().forEach(g -> clusterIds.add(g.latest().clusterId()));
        nodes.values().forEach(n -> clusterIds.add(n.clusterId()));
        heartbeats.values().forEach(h -> clusterIds.add(h.clusterId()));
        clusterIds.addAll(steps.keySet());
        clusterIds.addAll(cloudStates.keySet());
        List<OverviewSnapshot.Cluster> clusters = clusterIds.stream().map(id -> cluster(id, now)).toList();
        return new OverviewSnapshot(now, clusters);
    }

    private OverviewSnapshot.Cluster cluster(String clusterId, Instant now) {
        ConfigChanged config = configs.get(clusterId);
        List<OverviewSnapshot.Gateway> gatewayViews = gateways.values().stream()
                .filter(g -> g.latest().clusterId().equals(clusterId))
                .map(g -> gateway(g, now)).toList();
        Set<String> nodeNames = new TreeSet<>();
        nodes.values().stream().filter(n -> n.clusterId().equals(clusterId)).forEach(n -> nodeNames.add(n.nodeName()));
        heartbeats.values().stream().filter(h -> h.clusterId().equals(clusterId)).forEach(h -> nodeNames.add(h.nodeName()));
        List<OverviewSnapshot.Node> nodeViews = nodeNames.stream().map(name -> node(clusterId, name, now)).toList();
        List<OverviewSnapshot.Step> stepViews = steps.getOrDefault(clusterId, new ArrayDeque<>()).stream()
                .map(p -> new OverviewSnapshot.Step(p.at(), p.configRevision(), p.step().wireName(), p.message(), p.reason(),
                        p.nextRetryAt()))
                .toList();
        CloudState cloud = cloudStates.get(clusterId);
        return new OverviewSnapshot.Cluster(clusterId,
                config == null ? null : new OverviewSnapshot.Config(config.revision(), config.changedAt(), config.actor(),
                        config.config().proxy().enabled(), config.config().tunnel().enabled(), config.config().accessControlList(),
                        config.config().cloud().provider()),
                gatewayViews, nodeViews, stepViews, cloud == null ? Map.of() : cloud.ravenConfig(),
                cloud == null ? null : cloud.updatedAt(), deadLetters.getOrDefault(clusterId, 0));
    }

    private static OverviewSnapshot.Gateway gateway(GatewayState state, Instant now) {
        GatewayTopology t = state.latest();
        List<OverviewSnapshot.Endpoint> endpoints = t.endpoints().stream()
                .map(e -> new OverviewSnapshot.Endpoint(e.nodeName(), e.type(), e.privateIp(), e.publicIp(), e.port())).toList();
        List<OverviewSnapshot.Change> history = new ArrayList<>(state.history());
        history.sort(Comparator.comparing(OverviewSnapshot.Change::generation).reversed());
        return new OverviewSnapshot.Gateway(t.gatewayName(), t.nodePool(), t.edge(), t.proxyEnabled(), t.tunnelEnabled(), t.generation(),
                t.publishedAt(), endpoints, state.endpointsSince(), ageMillis(state.endpointsSince(), now),
                t.members().stream().map(GatewayTopology.Member::nodeName).toList(),
                t.cloudExposure() == null ? null : t.cloudExposure().address() + ":" + t.cloudExposure().port(), history);
    }

    private OverviewSnapshot.Node node(String clusterId, String nodeName, Instant now) {
        String key = EventKey.of(clusterId, nodeName).wireForm();
        NodeObserved observed = nodes.get(key);
        AgentHeartbeat beat = heartbeats.get(key);
        AgentHeartbeat.TunnelReport tunnel = beat == null ? null : beat.tunnel();
        List<OverviewSnapshot.TunnelPeer> peers = tunnel == null ? List.of() : tunnel.peers().stream()
                .map(p -> new OverviewSnapshot.TunnelPeer(p.nodeName(), p.endpoint(), p.latestHandshake(),
                        p.latestHandshake() == null ? null : ageMillis(p.latestHandshake(), now), p.probeOk(), p.probeRttMillis()))
                .toList();
        return new OverviewSnapshot.Node(nodeName,
                observed == null ? null : observed.nodePool(), observed != null && observed.edge(),
                observed == null ? null : observed.ready(), observed != null && observed.gatewayPinned(),
                observed == null ? List.of() : observed.internalIps(),
                beat == null ? null : beat.sentAt(), beat == null ? null : ageMillis(beat.sentAt(), now),
                beat == null ? List.of() : List.copyOf(beat.roles()), beat == null ? List.of() : beat.linkedPeers(),
                beat == null ? 0 : beat.openStreams(), beat != null && beat.stopping(),
                tunnel == null ? null : tunnel.state().wireName(), tunnel == null ? null : tunnel.problem(),
                tunnel == null ? null : tunnel.mtu(), peers, beat == null ? null : beat.certificateNotAfter());
    }

    private static long ageMillis(Instant at, Instant now) {
        return Math.max(0, Duration.between(at, now).toMillis());
    }
}
