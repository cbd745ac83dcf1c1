package io.corvus.elector.domain;

import static io.corvus.elector.domain.Clusters.NOW;
import static io.corvus.elector.domain.Clusters.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.corvus.events.Raven;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.NodeObserved;
import org.junit.jupiter.api.Test;

class ElectionTest {

    private static final NetworkConfig PROXY_ONLY = Clusters.config(true, false, 1, 1);

    @Test
    void aPinnedNodeIsPreferredOverAStickyUnpinnedEndpoint() {
        Map<String, GatewayTopology> first = decide(List.of(node("a", "edge", true, false)), health("a"), Map.of());
        Map<String, GatewayTopology> second = decide(List.of(node("a", "edge", true, false), node("b", "edge", true, true)),
                health("a", "b"), first);

        assertThat(endpoints(first.get("edge"))).containsExactly("a");
        assertThat(endpoints(second.get("edge"))).containsExactly("b");
        assertThat(second.get("edge").generation()).isEqualTo(2);
    }

    @Test
    void aNodeInItsHoldDownIsElectedOnlyWhenNoSteadierCandidateIsLeft() {
        List<NodeObserved> nodes = List.of(node("a", "edge", true, false), node("b", "edge", true, false));
        Map<String, NodeHealth> recoveringA = Map.of(
                "a", NodeHealth.heardAt(NOW).recoveredAt(NOW.minusSeconds(5)),
                "b", NodeHealth.heardAt(NOW));

        assertThat(endpoints(decide(nodes, recoveringA, Map.of()).get("edge"))).containsExactly("b");
        assertThat(endpoints(decide(List.of(nodes.getFirst()), recoveringA, Map.of()).get("edge")))
                .as("rather a recovering gateway than none").containsExactly("a");
    }

    @Test
    void theConfigurationsLabelKeysDecideEachNodesPoolAndWhetherItIsAnEdgeNode() {
        NetworkConfig custom = new NetworkConfig(PROXY_ONLY.proxy(), PROXY_ONLY.tunnel(), List.of(), Map.of(),
                new NetworkConfig.NodeLabels("example.com/pool", "example.com/site=edge"), PROXY_ONLY.cloud());
        List<NodeObserved> nodes = List.of(
                NodeObserved.of("c1", "e1", Map.of("example.com/pool", "shop", "example.com/site", "edge"), true, List.of("192.168.1.1"),
                        List.of(), List.of(), NOW),
                NodeObserved.of("c1", "k1", Map.of("example.com/pool", "core", Raven.DEFAULT_NODE_POOL_KEY, "ignored"), true,
                        List.of("192.168.1.2"), List.of(), List.of(), NOW));

        Map<String, GatewayTopology> gateways = Election.decide(new Election.Input("c1", custom, nodes, health("e1", "k1"), Map.of(),
                null, NOW, Clusters.SETTINGS));

        assertThat(gateways).containsOnlyKeys("shop", "core");
        assertThat(gateways.get("shop").edge()).isTrue();
        assertThat(gateways.get("core").edge()).isFalse();
        assertThat(endpoints(gateways.get("shop"))).containsExactly("e1");
    }

    @Test
    void aPoolsLastCandidateFallenSilentStaysUntilItsNodeIsNotReady() {
        List<NodeObserved> nodes = List.of(node("a", "edge", true, false));
        Map<String, GatewayTopology> first = decide(nodes, health("a"), Map.of());

        assertThat(decide(nodes, Map.of(), first)).as("late heartbeats alone: nowhere better to go").isEmpty();

        Map<String, GatewayTopology> notReady = decide(List.of(node("a", "edge", false, false)), Map.of(), first);
        assertThat(notReady.get("edge").endpoints()).isEmpty();
        assertThat(notReady.get("edge").members()).extracting(GatewayTopology.Member::nodeName).containsExactly("a");
    }

    @Test
    void aSilentEndpointMovesToAFreeCandidateUnlessAPeerVouchesForIt() {
        List<NodeObserved> nodes = List.of(node("a", "edge", true, false), node("b", "edge", true, false));
        Map<String, GatewayTopology> first = decide(nodes, health("a", "b"), Map.of());
        String elected = endpoints(first.get("edge")).getFirst();
        String other = elected.equals("a") ? "b" : "a";
        Map<String, NodeHealth> silent = new HashMap<>(health(other));
        silent.put(elected, NodeHealth.heardAt(NOW.minusSeconds(30)));

        assertThat(endpoints(decide(nodes, silent, first).get("edge"))).containsExactly(other);

        silent.put(elected, NodeHealth.heardAt(NOW.minusSeconds(30)).vouchedAt(NOW.minusMillis(500)));
        assertThat(decide(nodes, silent, first)).as("its link still works: it stays").isEmpty();
    }

    @Test
    void aGatewayChangeSaysWhichNodeWentWhyAndHowOldTheSignalWasAndWhoTookItsPlace() {
        List<NodeObserved> nodes = List.of(node("a", "edge", true, false), node("b", "edge", true, false));
        Map<String, GatewayTopology> first = decide(nodes, health("a", "b"), Map.of());
        String elected = endpoints(first.get("edge")).getFirst();
        String other = elected.equals("a") ? "b" : "a";
        Map<String, NodeHealth> silent = new HashMap<>(health(other));
        silent.put(elected, NodeHealth.heardAt(NOW.minusMillis(3400)));

        GatewayTopology moved = decide(nodes, silent, first).get("edge");

        assertThat(first.get("edge").changes()).singleElement().satisfies(change -> {
            assertThat(change.cause()).isEqualTo(GatewayTopology.Cause.CONFIGURATION);
            assertThat(change.detail()).isEqualTo("the pool's first election");
        });
        assertThat(moved.changes()).extracting(GatewayTopology.EndpointChange::nodeName, GatewayTopology.EndpointChange::added,
                GatewayTopology.EndpointChange::cause, GatewayTopology.EndpointChange::signalAgeMillis).containsExactly(
                tuple(elected, false, GatewayTopology.Cause.HEARTBEAT_STALE, 3400L),
                tuple(other, true, GatewayTopology.Cause.REPLACEMENT, null));
        assertThat(moved.changes().getFirst().detail()).isEqualTo("heartbeat 3.4 s old (window 3.0 s), no peer reports a working link to it");
        assertThat(moved.changes().getLast().detail()).isEqualTo("takes the place of " + elected + ", the best of 1 free candidate(s)");
    }

    @Test
    void anEndpointWhosePeerSawItsLinkCloseGoesAfterTheGraceUnlessItSpokeSince() {
        List<NodeObserved> nodes = List.of(node("a", "edge", true, false), node("b", "edge", true, false));
        Map<String, GatewayTopology> first = decide(nodes, health("a", "b"), Map.of());
        String elected = endpoints(first.get("edge")).getFirst();
        Map<String, NodeHealth> lost = new HashMap<>(health("a", "b"));
        lost.put(elected, NodeHealth.heardAt(NOW.minusMillis(900)).linkLostAt("cloud-1", NOW.minusMillis(100)));
        Map<String, NodeHealth> lostLongerAgo = new HashMap<>(lost);
        lostLongerAgo.put(elected, NodeHealth.heardAt(NOW.minusMillis(900)).linkLostAt("cloud-1", NOW.minusMillis(400)));
        Map<String, NodeHealth> spokeSince = new HashMap<>(lost);
        spokeSince.put(elected, lostLongerAgo.get(elected).heard(NOW.minusMillis(50), AgentHeartbeat.idle("c1", elected, NOW)));

        assertThat(decide(nodes, lost, first)).as("within the grace").isEmpty();
        assertThat(decide(nodes, lostLongerAgo, first).get("edge").changes().getFirst()).satisfies(change -> {
            assertThat(change.cause()).isEqualTo(GatewayTopology.Cause.LINK_LOST);
            assertThat(change.detail()).isEqualTo("cloud-1 saw its connection with it close (proxy link or tunnel presence) 0.4 s ago and it sent nothing since (last heartbeat 0.9 s old)");
        });
        assertThat(decide(nodes, spokeSince, first)).as("a live agent whose link dropped").isEmpty();
    }

    @Test
    void anAgentThatSaysItIsStoppingLosesItsEndpointsAtOnceEvenWithNoOneToTakeOver() {
        List<NodeObserved> nodes = List.of(node("a", "edge", true, false));
        Map<String, GatewayTopology> first = decide(nodes, health("a"), Map.of());
        AgentHeartbeat idle = AgentHeartbeat.idle("c1", "a", NOW);
        AgentHeartbeat lastWord = idle.lastWord();

        GatewayTopology after = decide(nodes, Map.of("a", NodeHealth.heardAt(NOW).heard(NOW, lastWord)), first).get("edge");

        assertThat(after.endpoints()).isEmpty();
        assertThat(after.changes()).singleElement().extracting(GatewayTopology.EndpointChange::cause)
                .isEqualTo(GatewayTopology.Cause.AGENT_STOPPING);
        assertThat(decide(nodes, Map.of("a", NodeHealth.heardAt(NOW).heard(NOW, lastWord).heard(NOW.plusMillis(1), idle)),
                Map.of("edge", after)).get("edge").endpoints()).as("back after a restart").hasSize(1);
    }

    @Test
    void aPoolWhoseNodesAreAllGoneKeepsItsGatewayWithNoEndpointsAndNoMembers() {
        Map<String, GatewayTopology> first = decide(List.of(node("a", "edge", true, false)), health("a"), Map.of());

        Map<String, GatewayTopology> gone = decide(List.of(), Map.of(), first);

        assertThat(gone.get("edge").endpoints()).isEmpty();
        assertThat(gone.get("edge").members()).isEmpty();
        assertThat(gone.get("edge").generation()).isEqualTo(2);
    }

    @Test
    void disablingBothModesEmptiesEveryGateway() {
        Map<String, GatewayTopology> first = decide(List.of(node("a", "edge", true, false)), health("a"), Map.of());
        Election.Input disabled = new Election.Input("c1", Clusters.config(false, false, 1, 1),
                List.of(node("a", "edge", true, false)), health("a"), first, null, NOW, Clusters.SETTINGS);

        GatewayTopology next = Election.decide(disabled).get("edge");

        assertThat(next.proxyEnabled()).isFalse();
        assertThat(next.endpoints()).isEmpty();
    }

    @Test
    void freshnessCountsAClockRunningAheadAsNowAndIncludesTheWindowsLastMoment() {
        ElectionSettings settings = Clusters.SETTINGS; // 1 s heartbeats, stale after 3 missed

        assertThat(settings.isFresh(NOW.plusSeconds(60), NOW)).isTrue();
        assertThat(settings.isFresh(NOW.minusSeconds(3), NOW)).isTrue();
        assertThat(settings.isFresh(NOW.minusMillis(3_001), NOW)).isFalse();
        assertThat(settings.isFresh(null, NOW)).isFalse();
    }

    @Test
    void aClusterWithoutConfigurationGetsNoGatewaysUntilItHasOne() {
        Election.Input unconfigured = new Election.Input("c1", null, List.of(node("a", "edge", true, false)), health("a"),
                Map.of(), null, NOW, Clusters.SETTINGS);

        assertThat(Election.decide(unconfigured)).isEmpty();
    }

    @Test
    void aDeletedConfigurationEmptiesTheGatewaysItHad() {
        Map<String, GatewayTopology> first = decide(List.of(node("a", "edge", true, false)), health("a"), Map.of());
        Election.Input deleted = new Election.Input("c1", null, List.of(node("a", "edge", true, false)), health("a"), first,
                null, NOW, Clusters.SETTINGS);

        assertThat(Election.decide(deleted).get("edge").endpoints()).isEmpty();
    }

    @Test
    void anEndpointCarriesTheAgentsPublicAddressTunnelKeyAndProxyPort() {
        Map<String, NodeHealth> health = Map.of("a", new NodeHealth(NOW, null, "203.0.113.9", "a-public-key", 10290, null, null, null));
        Election.Input input = new Election.Input("c1", Clusters.config(true, true, 1, 1), List.of(node("a", "edge", true, false)),
                health, Map.of(), new GatewayTopology.CloudExposure("198.51.100.20", 10280), NOW, Clusters.SETTINGS);

        GatewayTopology gateway = Election.decide(input).get("edge");

        assertThat(gateway.endpoints()).extracting(GatewayTopology.Endpoint::type, GatewayTopology.Endpoint::publicIp,
                GatewayTopology.Endpoint::tunnelPublicKey, GatewayTopology.Endpoint::port).containsExactly(
                org.assertj.core.groups.Tuple.tuple(GatewayTopology.EndpointType.PROXY, "203.0.113.9", null, 10290),
                org.assertj.core.groups.Tuple.tuple(GatewayTopology.EndpointType.TUNNEL, "203.0.113.9", "a-public-key", null));
        assertThat(gateway.cloudExposure()).isEqualTo(new GatewayTopology.CloudExposure("198.51.100.20", 10280));
        assertThat(gateway.accessControlList()).as("the whitelist the cloud side's tunnel server enforces")
                .containsExactly("203.0.113.0/24", "100.64.0.0/10");
    }

    @Test
    void theRendezvousChoiceIsStableAndSpreadsOverNodes() {
        long distinctWinners = IntStream.range(0, 200).mapToObj(pool -> {
            List<NodeObserved> nodes = IntStream.range(0, 5)
                    .mapToObj(i -> node("n" + i, "pool-" + pool, true, false)).toList();
            return endpoints(decide(nodes, health("n0", "n1", "n2", "n3", "n4"), Map.of()).get("pool-" + pool)).getFirst();
        }).distinct().count();

        assertThat(distinctWinners).as("each of the five node names wins some pools").isEqualTo(5);
        assertThat(Rendezvous.score("c1", "pool", "n0")).isEqualTo(Rendezvous.score("c1", "pool", "n0"));
        assertThat(Rendezvous.score("c1", "a", "bc")).isNotEqualTo(Rendezvous.score("c1", "ab", "c"));
    }

    private static Map<String, GatewayTopology> decide(List<NodeObserved> nodes, Map<String, NodeHealth> health,
            Map<String, GatewayTopology> previous) {
        return Election.decide(new Election.Input("c1", PROXY_ONLY, nodes, health, previous, null, NOW, Clusters.SETTINGS));
    }

    private static Map<String, NodeHealth> health(String... nodes) {
        Map<String, NodeHealth> health = new HashMap<>();
        for (String node : nodes) {
            health.put(node, NodeHealth.heardAt(NOW));
        }
        return health;
    }

    private static List<String> endpoints(GatewayTopology gateway) {
        return gateway.endpoints().stream().map(GatewayTopology.Endpoint::nodeName).toList();
    }
}
