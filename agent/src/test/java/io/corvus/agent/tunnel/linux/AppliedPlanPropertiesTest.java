package io.corvus.agent.tunnel.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import io.corvus.agent.topology.ClusterView;
import io.corvus.agent.tunnel.NftRuleset;
import io.corvus.agent.tunnel.TunnelLayout;
import io.corvus.agent.tunnel.TunnelPlan;
import io.corvus.agent.tunnel.TunnelPlanner;
import io.corvus.agent.tunnel.Underlay;
import io.corvus.events.payload.GatewayTopology.EndpointType;
import io.corvus.events.payload.GatewayTopology;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The planner and the adapter together, over random sequences of topologies seen by one node (pools
 * coming and going, gateways moving, keys missing, tunnel mode switched, the network flat or not),
 * starting from whatever an earlier run left: after each plan is applied the node holds exactly that
 * plan, nothing stale, and applying it again changes nothing.
 */
class AppliedPlanPropertiesTest {

    private static final String CLUSTER = "p1";
    private static final String SELF = "n-0-0";
    private static final TunnelLayout LAYOUT = TunnelLayout.DEFAULT;

    /** One pool as generated: its size, which node is its tunnel endpoint (-1: none), whether that node has a key. */
    record PoolState(int size, int gateway, boolean keyed) {
    }

    /**
     * The cluster at one moment: tunnel on or off, flat or not, its VXLAN id (a new one makes the
     * link anew, and the routes through it must come back), the pools (pool 0, the cloud pool, holds this node).
     */
    record ClusterState(boolean tunnel, boolean flat, int vni, List<PoolState> pools) {
    }

    @Provide
    Arbitrary<List<ClusterState>> histories() {
        Arbitrary<PoolState> pool = Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(-1, 2),
                Arbitraries.of(true, true, true, false)).as((size, gateway, keyed) -> new PoolState(size, Math.min(gateway, size - 1), keyed));
        Arbitrary<ClusterState> state = Combinators.combine(Arbitraries.of(true, true, true, false), Arbitraries.of(true, false),
                Arbitraries.of(1028, 1028, 1028, 77), pool.list().ofMinSize(1).ofMaxSize(4)).as(ClusterState::new);
        return state.list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 300)
    void afterEveryPlanTheNodeHoldsExactlyThatPlanAndApplyingItAgainChangesNothing(@ForAll("histories") List<ClusterState> history)
            throws IOException {
        FakeLinux node = new FakeLinux();
        node.underlayAddress = address(0, 0);
        leftoversOfAnEarlierRun(node);
        Path state = Files.createTempDirectory("corvus-keys");
        LinuxTunnel.Keys keys = new LinuxTunnel.Keys(state.resolve("wireguard.key"), "public-of-own-private", state.resolve("psk"));
        Files.writeString(keys.privateKey(), "own-private\n");
        Files.writeString(keys.presharedKey(), "preshared\n");
        LinuxTunnel tunnel = new LinuxTunnel(node, LAYOUT);
        KernelWireGuard driver = new KernelWireGuard(node);
        long generation = 1;
        for (ClusterState cluster : history) {
            ClusterView view = view(cluster, generation++);
            TunnelPlan plan = TunnelPlanner.plan(view, new TunnelPlanner.Node(SELF, new Underlay("eth0", address(0, 0), 1500)), LAYOUT);

            tunnel.apply(plan, driver, keys);

            assertHolds(node, plan);
            int before = node.commandsRun;
            assertThat(tunnel.apply(plan, driver, keys)).as("a second apply of the same plan changes nothing").isEmpty();
            assertThat(node.commandsRun - before).as("and only reads: ip, bridge, wg and nft once each at most").isLessThanOrEqualTo(4);
        }
    }

    /** Objects an agent killed earlier may have left, all Corvus's: a stale route, rule, neighbour, table, a wrong MTU. */
    private static void leftoversOfAnEarlierRun(FakeLinux node) {
        node.run("ip", "link", "add", "dev", LAYOUT.vxlanInterface(), "type", "vxlan", "id", "7", "dstport", "8472", "local", "10.0.0.9",
                "dev", "eth0", "nolearning");
        node.run("ip", "route", "replace", "10.99.0.0/24", "dev", LAYOUT.vxlanInterface(), "table", String.valueOf(LAYOUT.routeTable()));
        node.run("ip", "rule", "add", "priority", "4242", "lookup", String.valueOf(LAYOUT.routeTable()));
        node.runWithInput("table inet corvus {\n\tcomment \"corvus stale\"\n}\n", "nft", "-f", "-");
    }

    private static void assertHolds(FakeLinux node, TunnelPlan plan) {
        assertThat(node.links.keySet()).as("links").isEqualTo(withUnderlay(plan.devices()));
        plan.vxlan().ifPresent(vxlan -> {
            FakeLinux.Link link = node.links.get(vxlan.device());
            assertThat(link.vni()).isEqualTo(vxlan.vni());
            assertThat(link.local()).isEqualTo(vxlan.localAddress());
            assertThat(link.learning()).isFalse();
            assertThat(link.mtu()).isEqualTo(vxlan.mtu());
            assertThat(link.mac()).isEqualTo(vxlan.mac());
            assertThat(link.up()).isTrue();
            assertThat(node.addresses.get(vxlan.device())).containsExactly(vxlan.address());
            SortedMap<String, String> forwarding = new TreeMap<>();
            SortedMap<String, String> neighbors = new TreeMap<>();
            vxlan.neighbors().forEach(n -> {
                forwarding.put(n.mac(), n.underlayAddress());
                neighbors.put(n.address(), n.mac());
            });
            assertThat(node.forwarding.getOrDefault(vxlan.device(), new TreeMap<>())).isEqualTo(forwarding);
            assertThat(node.neighbors.getOrDefault(vxlan.device(), new TreeMap<>())).isEqualTo(neighbors);
        });
        plan.wireguard().ifPresent(wireguard -> {
            assertThat(node.listenPorts.get(wireguard.device())).isEqualTo(wireguard.listenPort());
            assertThat(node.links.get(wireguard.device()).mtu()).isEqualTo(wireguard.mtu());
            SortedMap<String, FakeLinux.Peer> peers = new TreeMap<>();
            SortedMap<String, FakeLinux.Peer> held = node.peers.get(wireguard.device());
            // a peer that dials in roams: its endpoint is whatever it came from, or was dialled at before
            wireguard.peers().forEach(p -> peers.put(p.publicKey(), new FakeLinux.Peer(p.endpoint() != null ? p.endpoint()
                    : held.containsKey(p.publicKey()) ? held.get(p.publicKey()).endpoint() : null, p.allowedIps(),
                    (int) LAYOUT.keepalive().toSeconds())));
            assertThat(held).isEqualTo(peers);
        });
        SortedMap<String, FakeLinux.Route> routes = new TreeMap<>();
        plan.routes().forEach(r -> routes.put(r.destination(), new FakeLinux.Route(r.device(), r.via(), r.via() != null,
                String.valueOf(LAYOUT.routeTable()))));
        assertThat(node.routes).as("routes of Corvus's table").isEqualTo(routes);
        assertThat(node.rules.keySet()).as("rules into it").isEqualTo(plan.wantsRule() ? new TreeSet<>(List.of(LAYOUT.rulePriority()))
                : new TreeSet<>());
        assertThat(node.nftTables).as("nftables").isEqualTo(plan.packets()
                .map(p -> new TreeMap<>(Map.of(LAYOUT.nftTable(), NftRuleset.comment(p)))).orElse(new TreeMap<>()));
    }

    private static TreeSet<String> withUnderlay(Set<String> devices) {
        TreeSet<String> all = new TreeSet<>(devices);
        all.add("eth0");
        return all;
    }

    private static ClusterView view(ClusterState cluster, long generation) {
        ClusterView view = ClusterView.empty(CLUSTER);
        for (int p = 0; p < cluster.pools().size(); p++) {
            PoolState pool = cluster.pools().get(p);
            String name = p == 0 ? "cloud" : "edge-" + p;
            List<GatewayTopology.Member> members = new ArrayList<>();
            for (int i = 0; i < pool.size(); i++) {
                members.add(new GatewayTopology.Member("n-" + p + "-" + i, address(p, i), List.of("10.244." + (10 * p + i) + ".0/24")));
            }
            List<GatewayTopology.Endpoint> endpoints = pool.gateway() < 0 || !cluster.tunnel() ? List.of()
                    : List.of(new GatewayTopology.Endpoint("n-" + p + "-" + pool.gateway(), EndpointType.TUNNEL, address(p, pool.gateway()),
                            null, null, pool.keyed() ? "key-" + p + "-" + pool.gateway() : null));
            view = view.with(new GatewayTopology(CLUSTER, name, generation, name, p != 0, false, cluster.tunnel(), endpoints, members,
                    new GatewayTopology.CloudExposure("192.0.2.1", 10280), List.of(), Instant.EPOCH,
                    cluster.tunnel() ? new GatewayTopology.TunnelNetwork(cluster.vni(), cluster.flat()) : null));
        }
        return view;
    }

    private static String address(int pool, int node) {
        return "10.0." + pool + "." + (10 + node);
    }
}
