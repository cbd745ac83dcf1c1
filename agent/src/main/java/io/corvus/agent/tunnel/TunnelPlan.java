package io.corvus.agent.tunnel;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What one node's tunnel should be. An empty plan means no Corvus object at all on the node.
 *
 * @param wireguard the WireGuard link and its peers, on the pool's active tunnel endpoint
 * @param vxlan     the VXLAN link to the pool's gateway (on the gateway: to its members)
 * @param routes    every route of Corvus's table
 * @param packets   the nftables rules, present whenever there is any route
 */
public record TunnelPlan(Optional<WireGuard> wireguard, Optional<Vxlan> vxlan, SortedSet<Route> routes, Optional<PacketRules> packets) {

    public static final TunnelPlan NOTHING = new TunnelPlan(Optional.empty(), Optional.empty(), new TreeSet<>(), Optional.empty());

    public TunnelPlan {
        routes = Collections.unmodifiableSortedSet(new TreeSet<>(routes));
    }

    public boolean isEmpty() {
        return wireguard.isEmpty() && vxlan.isEmpty() && routes.isEmpty() && packets.isEmpty();
    }

    /** The policy rule into Corvus's table is wanted exactly when the table has routes. */
    public boolean wantsRule() {
        return !routes.isEmpty();
    }

    /** The WireGuard link of a gateway. */
    public record WireGuard(String device, int listenPort, int mtu, List<Peer> peers) {
        public WireGuard {
            peers = List.copyOf(peers);
        }
    }

    /**
     * A WireGuard peer: another pool's gateway.
     *
     * @param endpoint   where to send to ({@code address:port}), or null where the peer dials in
     *                   (an edge gateway behind NAT: WireGuard learns its address from its packets)
     * @param allowedIps the pod CIDRs reached through it (and accepted from it)
     * @param probe      the peer's tunnel address, answered by its kernel: the target of the probe
     */
    public record Peer(String nodeName, String publicKey, String endpoint, SortedSet<String> allowedIps, String probe) {
        public Peer {
            allowedIps = Collections.unmodifiableSortedSet(new TreeSet<>(allowedIps));
        }
    }

    /**
     * The VXLAN link, with static forwarding and neighbour entries (no learning, no flooding).
     *
     * @param address   this node's tunnel address (its pod CIDR's network address, /32)
     * @param mac       this node's VXLAN MAC, derived from its name so others know it without asking
     * @param neighbors the nodes this one exchanges VXLAN packets with
     */
    public record Vxlan(String device, int vni, int port, String localAddress, String underlayDevice, int mtu, String address,
            String mac, SortedSet<Neighbor> neighbors) {
        public Vxlan {
            neighbors = Collections.unmodifiableSortedSet(new TreeSet<>(neighbors));
        }
    }

    /** Another node on the VXLAN link: its tunnel address answers to its MAC, found at its underlay address. */
    public record Neighbor(String address, String mac, String underlayAddress) implements Comparable<Neighbor> {
        @Override
        public int compareTo(Neighbor other) {
            return address.compareTo(other.address);
        }
    }

    /**
     * A route of Corvus's table.
     *
     * @param via the next hop's tunnel address on the VXLAN link (with onlink), or null on the WireGuard link
     */
    public record Route(String destination, String device, String via) implements Comparable<Route> {
        @Override
        public int compareTo(Route other) {
            return destination.compareTo(other.destination);
        }
    }

    /**
     * What nftables keeps: pod-to-pod traffic between pools is not masqueraded by the CNI, SYNs
     * are clamped to the tunnel's MTU, and VXLAN packets with Corvus's id come only from the nodes
     * this one exchanges them with.
     *
     * @param clusterPods    every pod CIDR of the pools the tunnel joins
     * @param remotePods     the pod CIDRs of other pools, reached through the tunnel
     * @param vxlanSources   the underlay addresses VXLAN packets with Corvus's id may come from
     * @param tunnelDevices  the links whose SYNs are clamped
     * @param wireguardDevice the WireGuard link of a gateway, or null
     * @param peerPods       on a gateway, what each WireGuard peer reaches, in the peers' order: its
     *                       packets and bytes are counted each way
     */
    public record PacketRules(SortedSet<String> clusterPods, SortedSet<String> remotePods, SortedSet<String> vxlanSources, int vni,
            int vxlanPort, SortedSet<String> tunnelDevices, String wireguardDevice, List<SortedSet<String>> peerPods) {
        public PacketRules {
            peerPods = peerPods.stream().map(p -> Collections.unmodifiableSortedSet(new TreeSet<>(p))).toList();
            clusterPods = Collections.unmodifiableSortedSet(new TreeSet<>(clusterPods));
            remotePods = Collections.unmodifiableSortedSet(new TreeSet<>(remotePods));
            vxlanSources = Collections.unmodifiableSortedSet(new TreeSet<>(vxlanSources));
            tunnelDevices = Collections.unmodifiableSortedSet(new TreeSet<>(tunnelDevices));
        }
    }

    /** The tunnel's device names in this plan. */
    public Set<String> devices() {
        Set<String> devices = new TreeSet<>();
        wireguard.ifPresent(w -> devices.add(w.device()));
        vxlan.ifPresent(v -> devices.add(v.device()));
        return devices;
    }
}
