package io.corvus.agent.topology;

import java.time.Instant;
import java.util.List;

import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import io.corvus.events.payload.GatewayTopology.EndpointType;
import io.corvus.events.payload.GatewayTopology;

/** Topology events as the elector publishes them, for the agent's tests. */
public final class Topologies {

    public static final Instant AT = Instant.parse("2026-11-26T08:00:00Z");

    private Topologies() {
    }

    /** The cloud pool, its proxy endpoints at these addresses (node name = "cloud-" + index), with a whitelist. */
    public static GatewayTopology cloud(String cluster, long generation, List<String> acl, GatewayTopology.Endpoint... endpoints) {
        return new GatewayTopology(cluster, "cloud", generation, "cloud", false, true, false, List.of(endpoints),
                List.of(endpoints).stream().map(e -> new GatewayTopology.Member(e.nodeName(), e.privateIp(), List.of())).toList(),
                null, acl, AT, null);
    }

    /** An edge pool: its members, the first {@code proxyEndpoints} of them elected. */
    public static GatewayTopology edge(String cluster, String pool, long generation, int proxyEndpoints, GatewayTopology.Member... members) {
        List<GatewayTopology.Endpoint> endpoints = List.of(members).subList(0, proxyEndpoints).stream()
                .map(m -> GatewayTopology.Endpoint.proxy(m.nodeName(), m.privateIp())).toList();
        return new GatewayTopology(cluster, pool, generation, pool, true, true, false, endpoints, List.of(members), null, List.of(), AT, null);
    }

    public static GatewayTopology.Endpoint proxy(String node, String address, Integer port) {
        return new GatewayTopology.Endpoint(node, EndpointType.PROXY, address, null, port, null);
    }

    public static GatewayTopology.Member member(String node, String address) {
        return new GatewayTopology.Member(node, address, List.of());
    }

    /** A cluster id whose events share {@code cluster}'s partition: the agent must filter them out by key. */
    public static String neighbourOf(String cluster) {
        int partition = ClusterPartitioner.partitionFor(cluster, Topic.PARTITIONS);
        for (int i = 0; ; i++) {
            if (ClusterPartitioner.partitionFor("neighbour-" + i, Topic.PARTITIONS) == partition) {
                return "neighbour-" + i;
            }
        }
    }
}
