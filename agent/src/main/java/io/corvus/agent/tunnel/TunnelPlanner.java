package io.corvus.agent.tunnel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.corvus.agent.topology.ClusterView;
import io.corvus.events.Cidr;
import io.corvus.events.payload.GatewayTopology.EndpointType;
import io.corvus.events.payload.GatewayTopology;

/**
 * Tunnel mode as a function: the topology and this node in, the node's tunnel plan out.
 *
 * <p>Every pool whose tunnel is on and that has an active tunnel endpoint (its gateway) joins.
 * Gateways carry pod traffic between pools over WireGuard, hub and spoke: the hub is the cloud
 * pool's gateway (the first cloud pool by name, should there be several); every other gateway has
 * the hub as its one peer, so edge pools, usually behind NAT, reach each other through it. The
 * other nodes of a pool reach their gateway over VXLAN with static entries. A pool without a
 * gateway is left out entirely: nothing is routed towards a gateway that does not exist.
 *
 * <p>A node's tunnel address is the network address of its first IPv4 pod CIDR (as flannel
 * gives its VXLAN link): the next hop its pool's nodes route through, and the address probes go
 * between. Its VXLAN MAC is derived from its name, so no node needs to learn another's.
 */
public final class TunnelPlanner {

    /** What the planner needs to know of this node besides the topology. */
    public record Node(String name, Underlay underlay) {
    }

    private TunnelPlanner() {
    }

    public static TunnelPlan plan(ClusterView view, Node node, TunnelLayout layout) {
        Optional<GatewayTopology> ownPool = view.poolOf(node.name());
        if (ownPool.isEmpty() || !joins(ownPool.get())) {
            return TunnelPlan.NOTHING;
        }
        GatewayTopology pool = ownPool.get();
        Optional<GatewayTopology.Member> self = member(pool, node.name());
        if (self.isEmpty() || tunnelAddress(self.get()).isEmpty()) {
            return TunnelPlan.NOTHING; // a node without a pod CIDR has no pods to carry
        }
        List<GatewayTopology> joined = joined(view);
        GatewayTopology.Endpoint gateway = tunnelEndpoint(pool).orElseThrow();
        GatewayTopology.Member gatewayMember = member(pool, gateway.nodeName()).orElse(null);
        boolean isGateway = gateway.nodeName().equals(node.name());
        int mtu = node.underlay().tunnelMtu();
        int vni = pool.tunnelNetwork().vni();

        SortedSet<String> remotePods = new TreeSet<>();
        SortedSet<String> clusterPods = new TreeSet<>();
        for (GatewayTopology other : joined) {
            clusterPods.addAll(podCidrs(other.members()));
            if (!other.gatewayName().equals(pool.gatewayName())) {
                remotePods.addAll(podCidrs(other.members()));
            }
        }

        SortedSet<TunnelPlan.Neighbor> neighbors = new TreeSet<>();
        SortedSet<TunnelPlan.Route> routes = new TreeSet<>();
        Optional<TunnelPlan.WireGuard> wireguard = Optional.empty();
        if (isGateway) {
            for (GatewayTopology.Member member : pool.members()) {
                if (!member.nodeName().equals(node.name()) && member.privateIp() != null && tunnelAddress(member).isPresent()) {
                    String address = tunnelAddress(member).get();
                    neighbors.add(new TunnelPlan.Neighbor(address, mac(view.clusterId(), member.nodeName()), member.privateIp()));
                    member.podCidrs().stream().filter(TunnelPlanner::ipv4).forEach(cidr ->
                            routes.add(new TunnelPlan.Route(cidr, layout.vxlanInterface(), address)));
                }
            }
            List<TunnelPlan.Peer> peers = peers(view, pool, joined, layout);
            SortedSet<String> reachable = new TreeSet<>();
            peers.forEach(peer -> reachable.addAll(peer.allowedIps()));
            reachable.forEach(cidr -> routes.add(new TunnelPlan.Route(cidr, layout.wireguardInterface(), null)));
            wireguard = Optional.of(new TunnelPlan.WireGuard(layout.wireguardInterface(), layout.listenPort(), mtu, peers));
        } else if (gatewayMember != null && gatewayMember.privateIp() != null && tunnelAddress(gatewayMember).isPresent()) {
            String via = tunnelAddress(gatewayMember).get();
            neighbors.add(new TunnelPlan.Neighbor(via, mac(view.clusterId(), gatewayMember.nodeName()), gatewayMember.privateIp()));
            remotePods.forEach(cidr -> routes.add(new TunnelPlan.Route(cidr, layout.vxlanInterface(), via)));
        }

        TunnelPlan.Vxlan vxlan = new TunnelPlan.Vxlan(layout.vxlanInterface(), vni, layout.vxlanPort(), node.underlay().address(),
                node.underlay().device(), mtu, tunnelAddress(self.get()).get() + "/32", mac(view.clusterId(), node.name()), neighbors);
        SortedSet<String> sources = new TreeSet<>();
        neighbors.forEach(neighbor -> sources.add(neighbor.underlayAddress()));
        SortedSet<String> devices = new TreeSet<>(List.of(layout.vxlanInterface()));
        wireguard.ifPresent(w -> devices.add(w.device()));
        List<SortedSet<String>> peerPods = wireguard.map(w -> w.peers().stream().map(TunnelPlan.Peer::allowedIps).toList())
                .orElse(List.of());
        Optional<TunnelPlan.PacketRules> packets = Optional.of(new TunnelPlan.PacketRules(clusterPods, remotePods, sources, vni,
                layout.vxlanPort(), devices, wireguard.map(TunnelPlan.WireGuard::device).orElse(null), peerPods));
        return new TunnelPlan(wireguard, Optional.of(vxlan), routes, packets);
    }

    /**
     * The WireGuard peers of a gateway: the hub has every other joined gateway, each reaching that
     * pool's pods; any other gateway has the hub alone, reaching every other pool's pods.
     */
    private static List<TunnelPlan.Peer> peers(ClusterView view, GatewayTopology pool, List<GatewayTopology> joined, TunnelLayout layout) {
        Optional<GatewayTopology> hub = hub(joined);
        if (hub.isEmpty()) {
            return List.of(); // no cloud gateway: edge pools have nobody to meet through
        }
        boolean flat = pool.tunnelNetwork().flatNetwork();
        List<TunnelPlan.Peer> peers = new ArrayList<>();
        if (hub.get().gatewayName().equals(pool.gatewayName())) {
            for (GatewayTopology spoke : joined) {
                if (spoke.gatewayName().equals(pool.gatewayName())) {
                    continue;
                }
                GatewayTopology.Endpoint endpoint = tunnelEndpoint(spoke).orElseThrow();
                String dialled = flat || !spoke.edge() ? address(endpoint.privateIp(), layout.listenPort()) : null;
                peer(view, spoke, endpoint, dialled, podCidrs(spoke.members())).ifPresent(peers::add);
            }
        } else {
            GatewayTopology.Endpoint endpoint = tunnelEndpoint(hub.get()).orElseThrow();
            String dialled = hubHost(pool, hub.get(), endpoint).map(host -> address(host, layout.listenPort())).orElse(null);
            SortedSet<String> everyOtherPool = new TreeSet<>();
            joined.stream().filter(g -> !g.gatewayName().equals(pool.gatewayName()))
                    .forEach(g -> everyOtherPool.addAll(podCidrs(g.members())));
            peer(view, hub.get(), endpoint, dialled, everyOtherPool).ifPresent(peers::add);
        }
        return peers;
    }

    /**
     * Whom this node holds a presence connection with ({@link TunnelPresencePlan}): the hub accepts
     * the other joined pools' gateways; any other gateway dials the hub where its WireGuard peer is.
     */
    public static TunnelPresencePlan presence(ClusterView view, String node) {
        Optional<GatewayTopology> pool = view.poolOf(node);
        if (pool.isEmpty() || !joins(pool.get()) || !tunnelEndpoint(pool.get()).orElseThrow().nodeName().equals(node)) {
            return TunnelPresencePlan.NONE;
        }
        List<GatewayTopology> joined = joined(view);
        Optional<GatewayTopology> hub = hub(joined);
        if (hub.isEmpty()) {
            return TunnelPresencePlan.NONE;
        }
        if (hub.get().gatewayName().equals(pool.get().gatewayName())) {
            return TunnelPresencePlan.ofHub(joined.stream().filter(g -> !g.gatewayName().equals(pool.get().gatewayName()))
                    .map(g -> tunnelEndpoint(g).orElseThrow().nodeName()).collect(Collectors.toSet()));
        }
        GatewayTopology.Endpoint endpoint = tunnelEndpoint(hub.get()).orElseThrow();
        return hubHost(pool.get(), hub.get(), endpoint).map(host -> TunnelPresencePlan.ofSpoke(endpoint.nodeName(), host))
                .orElse(TunnelPresencePlan.NONE);
    }

    private static List<GatewayTopology> joined(ClusterView view) {
        return view.gateways().stream().filter(TunnelPlanner::joins).sorted(Comparator.comparing(GatewayTopology::gatewayName)).toList();
    }

    /** The first cloud pool by name among those that joined. */
    private static Optional<GatewayTopology> hub(List<GatewayTopology> joined) {
        return joined.stream().filter(g -> !g.edge()).findFirst();
    }

    /**
     * Where a gateway of {@code pool} reaches the hub: at its private address in a flat network or
     * from the cloud, else at the cloud side's public entry (none before it is provisioned).
     */
    private static Optional<String> hubHost(GatewayTopology pool, GatewayTopology hub, GatewayTopology.Endpoint hubEndpoint) {
        if (pool.tunnelNetwork().flatNetwork() || !pool.edge()) {
            return Optional.ofNullable(hubEndpoint.privateIp());
        }
        return Optional.ofNullable(hub.cloudExposure()).map(GatewayTopology.CloudExposure::address);
    }

    /** A peer needs the other gateway's public key; without one (its agent has none yet) there is no peer. */
    private static Optional<TunnelPlan.Peer> peer(ClusterView view, GatewayTopology gateway, GatewayTopology.Endpoint endpoint,
            String dialled, SortedSet<String> allowedIps) {
        Optional<String> probe = member(gateway, endpoint.nodeName()).flatMap(TunnelPlanner::tunnelAddress);
        if (endpoint.tunnelPublicKey() == null || probe.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TunnelPlan.Peer(endpoint.nodeName(), endpoint.tunnelPublicKey(), dialled, allowedIps, probe.get()));
    }

    /** A pool takes part when its tunnel is on and it has an active tunnel endpoint. */
    static boolean joins(GatewayTopology gateway) {
        return gateway.tunnelEnabled() && gateway.tunnelNetwork() != null && tunnelEndpoint(gateway).isPresent();
    }

    static Optional<GatewayTopology.Endpoint> tunnelEndpoint(GatewayTopology gateway) {
        return gateway.endpoints().stream().filter(e -> e.type() == EndpointType.TUNNEL).findFirst();
    }

    private static Optional<GatewayTopology.Member> member(GatewayTopology gateway, String node) {
        return gateway.members().stream().filter(m -> m.nodeName().equals(node)).findFirst();
    }

    /** The network address of the member's first IPv4 pod CIDR. */
    static Optional<String> tunnelAddress(GatewayTopology.Member member) {
        return member.podCidrs().stream().filter(TunnelPlanner::ipv4).findFirst().map(cidr -> cidr.substring(0, cidr.indexOf('/')));
    }

    private static SortedSet<String> podCidrs(Collection<GatewayTopology.Member> members) {
        SortedSet<String> cidrs = new TreeSet<>();
        members.forEach(m -> m.podCidrs().stream().filter(TunnelPlanner::ipv4).forEach(cidrs::add));
        return cidrs;
    }

    private static boolean ipv4(String cidr) {
        try {
            return !Cidr.parse(cidr).ipv6();
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    private static String address(String host, int port) {
        return host == null ? null : host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }

    /** A locally administered unicast MAC from the node's name: the same on every node that computes it. */
    static String mac(String clusterId, String node) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((clusterId + "/" + node).getBytes(StandardCharsets.UTF_8));
            return "0a:58:" + HexFormat.ofDelimiter(":").formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
