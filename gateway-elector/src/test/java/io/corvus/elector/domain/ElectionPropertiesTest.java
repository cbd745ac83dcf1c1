package io.corvus.elector.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.GatewayTopology.EndpointType;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NodeObserved;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ElectionPropertiesTest {

    @Provide
    Arbitrary<Election.Input> clusters() {
        return Clusters.inputs();
    }

    @Property
    void theOutcomeDependsOnlyOnTheInputNotOnOrder(@ForAll("clusters") Election.Input input) {
        List<NodeObserved> shuffled = new ArrayList<>(input.nodes());
        Collections.shuffle(shuffled, new Random(input.nodes().size()));
        Election.Input reordered = new Election.Input(input.clusterId(), input.config(), shuffled, input.health(),
                input.previous(), input.cloudExposure(), input.now(), input.settings());

        assertThat(Election.decide(reordered)).isEqualTo(Election.decide(input));
        assertThat(Election.decide(input)).isEqualTo(Election.decide(input));
    }

    /** A first election (nothing held before): only candidates. */
    @Property
    void onlyReadyNodesWithAFreshHeartbeatAreElected(@ForAll("clusters") Election.Input input) {
        Map<String, NodeObserved> nodes = byName(input);
        for (GatewayTopology gateway : Election.decide(input).values()) {
            assertThat(gateway.endpoints()).allSatisfy(endpoint ->
                    assertThat(Election.isCandidate(nodes.get(endpoint.nodeName()), input)).isTrue());
        }
    }

    @Property
    void replicasAreNeverExceededAndFilledWhenCandidatesAllow(@ForAll("clusters") Election.Input input) {
        for (GatewayTopology gateway : Election.decide(input).values()) {
            var pool = input.config().nodePools().get(gateway.gatewayName());
            List<NodeObserved> all = input.nodes().stream()
                    .filter(n -> gateway.gatewayName().equals(n.nodePool()) && Election.isCandidate(n, input)).toList();
            long pinned = all.stream().filter(NodeObserved::gatewayPinned).count();
            List<NodeObserved> eligible = pinned > 0 ? all.stream().filter(NodeObserved::gatewayPinned).toList() : all;
            long withKeys = eligible.stream().filter(n -> input.health().get(n.nodeName()).tunnelPublicKey() != null).count();
            int proxy = input.config().proxy().enabled() ? pool.proxyReplicas() : 0;
            int tunnel = input.config().tunnel().enabled() ? pool.tunnelReplicas() : 0;
            assertThat(count(gateway, EndpointType.PROXY)).isEqualTo(Math.min(proxy, eligible.size()));
            assertThat(count(gateway, EndpointType.TUNNEL)).as("tunnel endpoints need a WireGuard key").isEqualTo(Math.min(tunnel, withKeys));
        }
    }

    @Property
    void whenAnyCandidateIsPinnedOnlyPinnedNodesAreElected(@ForAll("clusters") Election.Input input) {
        Map<String, NodeObserved> nodes = byName(input);
        for (GatewayTopology gateway : Election.decide(input).values()) {
            boolean anyPinnedCandidate = input.nodes().stream().anyMatch(n -> gateway.gatewayName().equals(n.nodePool())
                    && n.gatewayPinned() && Election.isCandidate(n, input));
            if (anyPinnedCandidate) {
                assertThat(gateway.endpoints()).allSatisfy(e -> assertThat(nodes.get(e.nodeName()).gatewayPinned()).isTrue());
            }
        }
    }

    @Property
    void nothingChangesWhenNothingChanged(@ForAll("clusters") Election.Input input) {
        Map<String, GatewayTopology> first = Election.decide(input);

        assertThat(Election.decide(Clusters.withPrevious(input, first))).as("publish on change only").isEmpty();
    }

    @Property
    void whenANodeLeavesOnlyTheSlotsItHeldMove(@ForAll("clusters") Election.Input input) {
        Map<String, GatewayTopology> before = Election.decide(input);
        Set<String> elected = before.values().stream().flatMap(g -> g.endpoints().stream())
                .map(GatewayTopology.Endpoint::nodeName).collect(Collectors.toCollection(TreeSet::new));
        if (elected.isEmpty()) {
            return;
        }
        String leaving = elected.iterator().next();
        Election.Input after = Clusters.withoutNode(Clusters.withPrevious(input, before), leaving);

        Map<String, GatewayTopology> changed = Election.decide(after);
        for (GatewayTopology old : before.values()) {
            GatewayTopology now = changed.getOrDefault(old.gatewayName(), old);
            for (EndpointType type : EndpointType.values()) {
                Set<String> kept = names(old, type);
                kept.remove(leaving);
                assertThat(names(now, type)).as("%s %s", old.gatewayName(), type).containsAll(kept);
            }
            assertThat(now.endpoints()).noneMatch(e -> e.nodeName().equals(leaving));
        }
    }

    @Property
    void everyChangeBumpsTheGenerationByOne(@ForAll("clusters") Election.Input input) {
        Map<String, GatewayTopology> first = Election.decide(input);
        Election.Input later = Clusters.withPrevious(Clusters.inputsWithAllStale(input), first);

        Election.decide(later).forEach((gateway, next) ->
                assertThat(next.generation()).isEqualTo(first.get(gateway).generation() + 1));
    }

    @Property
    void lateHeartbeatsAloneNeverEmptyAPoolWhoseNodesAreReady(@ForAll("clusters") Election.Input input) {
        Map<String, GatewayTopology> before = Election.decide(input);
        Map<String, NodeObserved> nodes = byName(input);

        Map<String, GatewayTopology> after = Election.decide(Clusters.withPrevious(Clusters.inputsWithAllStale(input), before));
        for (GatewayTopology old : before.values()) {
            GatewayTopology now = after.getOrDefault(old.gatewayName(), old);
            assertThat(now.endpoints()).as("pool %s", old.gatewayName())
                    .containsExactlyElementsOf(old.endpoints().stream().filter(e -> nodes.get(e.nodeName()).ready()).toList());
        }
    }

    @Property
    void aSilentEndpointAPeerVouchesForIsNeverMoved(@ForAll("clusters") Election.Input input) {
        Map<String, GatewayTopology> before = Election.decide(input);
        Map<String, NodeHealth> silentButVouched = new HashMap<>();
        input.health().forEach((name, health) -> silentButVouched.put(name, health));
        Set<String> elected = before.values().stream().flatMap(g -> g.endpoints().stream()).map(GatewayTopology.Endpoint::nodeName)
                .collect(Collectors.toSet());
        elected.forEach(name -> silentButVouched.put(name, NodeHealth.heardAt(Clusters.NOW.minusSeconds(60))
                .withTunnelKey(input.health().get(name).tunnelPublicKey()).vouchedAt(Clusters.NOW)));
        Election.Input later = new Election.Input(input.clusterId(), input.config(), input.nodes(), silentButVouched, before,
                input.cloudExposure(), input.now(), input.settings());

        Map<String, GatewayTopology> after = Election.decide(later);
        for (GatewayTopology old : before.values()) {
            assertThat(after.getOrDefault(old.gatewayName(), old).endpoints()).as("pool %s keeps its endpoints", old.gatewayName())
                    .containsAll(old.endpoints());
        }
    }

    @Property
    void anEndpointWhoseNodeIsNotReadyAlwaysGoes(@ForAll("clusters") Election.Input input) {
        Map<String, GatewayTopology> before = Election.decide(input);
        Set<String> elected = before.values().stream().flatMap(g -> g.endpoints().stream()).map(GatewayTopology.Endpoint::nodeName)
                .collect(Collectors.toCollection(TreeSet::new));
        if (elected.isEmpty()) {
            return;
        }
        String failing = elected.iterator().next();
        List<NodeObserved> nodes = input.nodes().stream().map(n -> n.nodeName().equals(failing)
                ? Clusters.node(failing, n.nodePool(), false, n.gatewayPinned()) : n).toList();
        Election.Input later = new Election.Input(input.clusterId(), input.config(), nodes, input.health(), before,
                input.cloudExposure(), input.now(), input.settings());

        Election.decide(later).values().forEach(gateway ->
                assertThat(gateway.endpoints()).noneMatch(e -> e.nodeName().equals(failing)));
    }

    @Property
    void everyEndpointThatComesOrGoesIsExplainedOnceAndNothingElseIs(@ForAll("clusters") Election.Input input) {
        Map<String, GatewayTopology> first = Election.decide(input);
        assertExplained(Map.of(), first);
        Set<String> elected = first.values().stream().flatMap(g -> g.endpoints().stream()).map(GatewayTopology.Endpoint::nodeName)
                .collect(Collectors.toCollection(TreeSet::new));
        List<Election.Input> laterOnes = new ArrayList<>(List.of(Clusters.withPrevious(Clusters.inputsWithAllStale(input), first),
                withHealthOf(Clusters.withPrevious(input, first), elected, health -> health.heard(Clusters.NOW, AgentHeartbeat.idle("c1", "any", Clusters.NOW).lastWord()))));
        laterOnes.add(withHealthOf(Clusters.withPrevious(input, first), elected,
                health -> health.linkLostAt("cloud-node", Clusters.NOW.minusSeconds(1))));
        if (!elected.isEmpty()) {
            laterOnes.add(Clusters.withoutNode(Clusters.withPrevious(input, first), elected.iterator().next()));
        }
        for (Election.Input later : laterOnes) {
            assertExplained(first, Election.decide(later));
        }
    }

    @Property
    void anEndpointWhoseAgentIsStoppingAlwaysGoesAndALostLinkGoesWhenACandidateCanReplaceIt(@ForAll("clusters") Election.Input input) {
        Map<String, GatewayTopology> before = Election.decide(input);
        Set<String> elected = before.values().stream().flatMap(g -> g.endpoints().stream()).map(GatewayTopology.Endpoint::nodeName)
                .collect(Collectors.toSet());

        Map<String, GatewayTopology> stopped = Election.decide(withHealthOf(Clusters.withPrevious(input, before), elected,
                health -> health.heard(Clusters.NOW.minusMillis(100), AgentHeartbeat.idle("c1", "any", Clusters.NOW).lastWord())));
        Map<String, GatewayTopology> lost = Election.decide(withHealthOf(Clusters.withPrevious(input, before), elected,
                health -> health.linkLostAt("cloud-node", Clusters.NOW.minusMillis(400))));
        for (GatewayTopology old : before.values()) {
            assertThat(stopped.getOrDefault(old.gatewayName(), old).endpoints()).as("pool %s", old.gatewayName())
                    .noneMatch(e -> elected.contains(e.nodeName()));
            GatewayTopology afterLoss = lost.getOrDefault(old.gatewayName(), old);
            for (GatewayTopology.Endpoint endpoint : old.endpoints()) {
                boolean replaced = afterLoss.endpoints().stream().noneMatch(e -> e.nodeName().equals(endpoint.nodeName()));
                assertThat(!replaced || count(afterLoss, endpoint.type()) >= count(old, endpoint.type()))
                        .as("a lost link in pool %s goes only for a replacement", old.gatewayName()).isTrue();
            }
        }
    }

    /** Each changed gateway's changes name exactly the endpoints that came and went since {@code before}. */
    private static void assertExplained(Map<String, GatewayTopology> before, Map<String, GatewayTopology> changed) {
        changed.forEach((name, next) -> {
            GatewayTopology old = before.get(name);
            Set<String> was = old == null ? Set.of() : keys(old.endpoints());
            Set<String> is = keys(next.endpoints());
            Set<String> came = new TreeSet<>(is);
            came.removeAll(was);
            Set<String> went = new TreeSet<>(was);
            went.removeAll(is);
            assertThat(next.changes().stream().filter(GatewayTopology.EndpointChange::added).map(c -> c.type() + "/" + c.nodeName()))
                    .as("came to %s", name).containsExactlyInAnyOrderElementsOf(came);
            assertThat(next.changes().stream().filter(c -> !c.added()).map(c -> c.type() + "/" + c.nodeName()))
                    .as("went from %s", name).containsExactlyInAnyOrderElementsOf(went);
        });
    }

    private static Set<String> keys(List<GatewayTopology.Endpoint> endpoints) {
        return endpoints.stream().map(e -> e.type() + "/" + e.nodeName()).collect(Collectors.toSet());
    }

    private static Election.Input withHealthOf(Election.Input input, Set<String> nodes, UnaryOperator<NodeHealth> change) {
        Map<String, NodeHealth> health = new HashMap<>(input.health());
        nodes.forEach(node -> health.computeIfPresent(node, (name, h) -> change.apply(h)));
        return new Election.Input(input.clusterId(), input.config(), input.nodes(), health, input.previous(), input.cloudExposure(),
                input.now(), input.settings());
    }

    private static Map<String, NodeObserved> byName(Election.Input input) {
        return input.nodes().stream().collect(Collectors.toMap(NodeObserved::nodeName, n -> n));
    }

    private static long count(GatewayTopology gateway, EndpointType type) {
        return gateway.endpoints().stream().filter(e -> e.type() == type).count();
    }

    private static Set<String> names(GatewayTopology gateway, EndpointType type) {
        return gateway.endpoints().stream().filter(e -> e.type() == type).map(GatewayTopology.Endpoint::nodeName)
                .collect(Collectors.toCollection(HashSet::new));
    }
}
