package io.corvus.agent.tunnel;

import static io.corvus.agent.tunnel.TunnelTopologies.plan;
import static io.corvus.agent.tunnel.TunnelTopologies.pods;
import static io.corvus.agent.tunnel.TunnelTopologies.pool;
import static io.corvus.agent.tunnel.TunnelTopologies.view;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.corvus.agent.topology.ClusterView;
import io.corvus.events.payload.GatewayTopology;
import org.junit.jupiter.api.Test;

class TunnelPlannerTest {

    /** A cloud pool and two edge pools of two nodes each, node 0 the gateway of each, on a flat network. */
    private final ClusterView three = view(pool(0, 2, 0, true, 1), pool(1, 2, 0, true, 1), pool(2, 2, 0, true, 1));

    @Test
    void theCloudGatewayIsTheHubWithEveryEdgeGatewayAsAPeerReachingItsPool() {
        TunnelPlan hub = plan(three, 0, 0);

        assertThat(hub.wireguard()).hasValueSatisfying(wg -> {
            assertThat(wg.peers()).extracting(TunnelPlan.Peer::nodeName).containsExactly("edge1-0", "edge2-0");
            assertThat(wg.peers().getFirst().allowedIps()).containsExactly(pods(1, 0), pods(1, 1));
            assertThat(wg.peers().getFirst().endpoint()).as("flat: dialled at its private address").isEqualTo("10.77.1.10:4500");
            assertThat(wg.mtu()).isEqualTo(1440);
        });
        assertThat(hub.routes()).contains(new TunnelPlan.Route(pods(1, 1), "corvus-wg", null),
                new TunnelPlan.Route(pods(0, 1), "corvus-vx", "10.244.1.0"));
    }

    @Test
    void anEdgeGatewayHasTheHubAloneAsItsPeerAndReachesTheOtherEdgePoolThroughIt() {
        TunnelPlan edge = plan(three, 1, 0);

        assertThat(edge.wireguard()).hasValueSatisfying(wg -> {
            assertThat(wg.peers()).singleElement().satisfies(hub -> {
                assertThat(hub.nodeName()).isEqualTo("cloud-0");
                assertThat(hub.allowedIps()).containsExactly(pods(0, 0), pods(0, 1), pods(2, 0), pods(2, 1));
            });
        });
    }

    @Test
    void behindNatAnEdgeGatewayDialsTheCloudSidesPublicEntryAndTheHubWaitsForIt() {
        ClusterView natted = view(pool(0, 1, 0, false, 1), pool(1, 1, 0, false, 1));

        assertThat(plan(natted, 1, 0).wireguard().orElseThrow().peers().getFirst().endpoint()).isEqualTo("192.0.2.10:4500");
        assertThat(plan(natted, 0, 0).wireguard().orElseThrow().peers().getFirst().endpoint())
                .as("WireGuard learns a NATed peer's address from its packets").isNull();
    }

    @Test
    void theHubAwaitsAPresenceConnectionFromEveryOtherGatewayAndEachDialsItWhereItsWireGuardPeerIs() {
        assertThat(TunnelPlanner.presence(three, "cloud-0")).isEqualTo(new TunnelPresencePlan(true, Set.of("edge1-0", "edge2-0"),
                Optional.empty()));
        assertThat(TunnelPlanner.presence(three, "edge1-0").hub()).contains(new TunnelPresencePlan.Hub("cloud-0", "10.77.0.10"));

        ClusterView natted = view(pool(0, 1, 0, false, 1), pool(1, 1, 0, false, 1));
        assertThat(TunnelPlanner.presence(natted, "edge1-0").hub()).as("behind NAT: the cloud side's public entry")
                .contains(new TunnelPresencePlan.Hub("cloud-0", "192.0.2.10"));
    }

    @Test
    void membersAndPoolsOutsideTheTunnelHoldNoPresenceConnection() {
        assertThat(TunnelPlanner.presence(three, "edge1-1")).as("a member").isEqualTo(TunnelPresencePlan.NONE);
        ClusterView noCloudGateway = view(pool(0, 2, -1, true, 1), pool(1, 2, 0, true, 1));
        assertThat(TunnelPlanner.presence(noCloudGateway, "edge1-0")).as("no hub").isEqualTo(TunnelPresencePlan.NONE);
        assertThat(TunnelPlanner.presence(view(pool(0, 2, 0, true, 1)), "cloud-0")).as("a hub without spokes listens")
                .isEqualTo(new TunnelPresencePlan(true, Set.of(), Optional.empty()));
    }

    @Test
    void aMemberRoutesEveryOtherPoolThroughItsGatewayOverVxlanWithStaticEntries() {
        TunnelPlan member = plan(three, 2, 1);

        assertThat(member.wireguard()).isEmpty();
        assertThat(member.vxlan()).hasValueSatisfying(vxlan -> {
            assertThat(vxlan.address()).isEqualTo("10.244.21.0/32");
            assertThat(vxlan.neighbors()).singleElement().satisfies(gateway -> {
                assertThat(gateway.address()).isEqualTo("10.244.20.0");
                assertThat(gateway.underlayAddress()).isEqualTo("10.77.2.10");
            });
        });
        assertThat(member.routes()).extracting(TunnelPlan.Route::destination)
                .containsExactly(pods(0, 0), pods(0, 1), pods(1, 0), pods(1, 1));
        assertThat(member.routes()).allSatisfy(route -> assertThat(route.via()).isEqualTo("10.244.20.0"));
        assertThat(member.packets().orElseThrow().vxlanSources()).as("VXLAN only from its gateway").containsExactly("10.77.2.10");
    }

    @Test
    void aPoolWithoutAGatewayDrawsNothingIntoTheTunnelAndOthersRouteNothingToIt() {
        ClusterView noEdgeGateway = view(pool(0, 2, 0, true, 1), pool(1, 2, -1, true, 1));

        assertThat(plan(noEdgeGateway, 1, 1)).isEqualTo(TunnelPlan.NOTHING);
        assertThat(plan(noEdgeGateway, 0, 0).routes()).extracting(TunnelPlan.Route::destination).doesNotContain(pods(1, 0), pods(1, 1));
    }

    @Test
    void tunnelModeOffOrANodeInNoPoolPlansNothingAtAll() {
        GatewayTopology off = pool(0, 2, 0, true, 1);
        off = new GatewayTopology(off.clusterId(), off.gatewayName(), 2, off.nodePool(), false, true, false, List.of(), off.members(),
                off.cloudExposure(), List.of(), off.publishedAt(), null);

        assertThat(plan(view(off), 0, 0)).isEqualTo(TunnelPlan.NOTHING);
        assertThat(plan(three, 5, 0)).isEqualTo(TunnelPlan.NOTHING);
    }

    @Test
    void aPeerWhoseAgentHasNoKeyYetIsLeftOutUntilItHasOne() {
        GatewayTopology edge = pool(1, 1, 0, true, 1);
        GatewayTopology.Endpoint keyless = new GatewayTopology.Endpoint("edge1-0", GatewayTopology.EndpointType.TUNNEL, "10.77.1.10",
                null, null, null);
        edge = new GatewayTopology(edge.clusterId(), edge.gatewayName(), 2, edge.nodePool(), true, false, true, List.of(keyless),
                edge.members(), edge.cloudExposure(), List.of(), edge.publishedAt(), edge.tunnelNetwork());

        assertThat(plan(view(pool(0, 1, 0, true, 1), edge), 0, 0).wireguard().orElseThrow().peers()).isEmpty();
    }

    @Test
    void theMtuLeavesRoomForWireGuardOverTheUnderlayAndTheVxlanHopFitsInIt() {
        assertThat(new Underlay("eth0", "10.0.0.1", 1500).tunnelMtu()).isEqualTo(1440);
        assertThat(new Underlay("eth0", "fd00::1", 1500).tunnelMtu()).isEqualTo(1420);
        assertThat(new Underlay("eth0", "10.0.0.1", 9000).tunnelMtu()).isEqualTo(8940);
    }

    @Test
    void everyNodeDerivesTheSameMacForANode() {
        String mac = TunnelPlanner.mac("t1", "cloud-0");

        assertThat(mac).matches("0a:58(:[0-9a-f]{2}){4}").isEqualTo(TunnelPlanner.mac("t1", "cloud-0"));
        assertThat(mac).isNotEqualTo(TunnelPlanner.mac("t1", "cloud-1"));
    }
}
