package io.corvus.agent.tunnel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.corvus.agent.topology.ClusterView;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.GatewayTopology.EndpointType;

/** Tunnel-mode topologies for the planner's tests: pools of nodes numbered by pool, node i at 10.77.p.i, pods 10.244.(10p+i).0/24. */
final class TunnelTopologies {

    static final String CLUSTER = "t1";
    static final Instant AT = Instant.parse("2026-12-04T08:00:00Z");
    static final Underlay UNDERLAY = new Underlay("eth0", "10.77.0.1", 1500);

    private TunnelTopologies() {
    }

    /** Pool {@code index} ({@code pool-0} is the cloud pool) with {@code size} nodes, the tunnel endpoint being node {@code gateway} (or none when -1). */
    static GatewayTopology pool(int index, int size, int gateway, boolean flat, long generation) {
        String name = index == 0 ? "cloud" : "edge-" + index;
        List<GatewayTopology.Member> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add(new GatewayTopology.Member(node(index, i), address(index, i), List.of(pods(index, i))));
        }
        List<GatewayTopology.Endpoint> endpoints = gateway < 0 ? List.of()
                : List.of(new GatewayTopology.Endpoint(node(index, gateway), EndpointType.TUNNEL, address(index, gateway),
                        "198.51.100." + (10 + index), null, "key-" + node(index, gateway)));
        return new GatewayTopology(CLUSTER, name, generation, name, index != 0, false, true, endpoints, members,
                new GatewayTopology.CloudExposure("192.0.2.10", 10280), List.of(), AT, new GatewayTopology.TunnelNetwork(1028, flat));
    }

    static ClusterView view(GatewayTopology... pools) {
        ClusterView view = ClusterView.empty(CLUSTER);
        for (GatewayTopology pool : pools) {
            view = view.with(pool);
        }
        return view;
    }

    static String node(int pool, int i) {
        return (pool == 0 ? "cloud-" : "edge" + pool + "-") + i;
    }

    static String address(int pool, int i) {
        return "10.77." + pool + "." + (10 + i);
    }

    static String pods(int pool, int i) {
        return "10.244." + (10 * pool + i) + ".0/24";
    }

    static TunnelPlan plan(ClusterView view, int pool, int i) {
        return TunnelPlanner.plan(view, new TunnelPlanner.Node(node(pool, i), new Underlay("eth0", address(pool, i), 1500)),
                TunnelLayout.DEFAULT);
    }
}
