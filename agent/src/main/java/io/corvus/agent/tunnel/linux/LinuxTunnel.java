package io.corvus.agent.tunnel.linux;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.corvus.agent.tunnel.NftRuleset;
import io.corvus.agent.tunnel.TunnelLayout;
import io.corvus.agent.tunnel.TunnelPlan;

/**
 * Makes the node hold exactly a tunnel plan: each object Corvus owns (its two links, their
 * addresses, forwarding and neighbour entries, the routes of its table, its policy rule, its
 * nftables table) is observed, compared with the plan, and changed only where it differs. Applying
 * the same plan twice changes nothing; applying the empty plan leaves no Corvus object behind, also
 * those an earlier run left. Nothing that is not Corvus's, by name or table, is touched.
 *
 * <p>When the plan takes traffic away, the policy rule goes first, so no packet is drawn into a
 * table that is being emptied; when it brings traffic, the rule comes last, once links and routes
 * are in place.
 */
final class LinuxTunnel {

    /** The node's WireGuard key files, as a gateway's link needs them. */
    record Keys(Path privateKey, String publicKey, Path presharedKey) {
    }

    private final Commands commands;
    private final IpRoute2 ip;
    private final WireGuardTool wg;
    private final TunnelLayout layout;

    LinuxTunnel(Commands commands, TunnelLayout layout) {
        this.commands = commands;
        this.ip = new IpRoute2(commands);
        this.wg = new WireGuardTool(commands);
        this.layout = layout;
    }

    /**
     * Applies the plan and says what it changed (empty when the node already held it).
     *
     * @param driver how a WireGuard link comes into being; needed only when the plan has one
     * @param keys   the node's keys; needed only when the plan has a WireGuard link
     */
    List<String> apply(TunnelPlan plan, WireGuardDriver driver, Keys keys) throws IOException {
        List<String> changes = new ArrayList<>();
        if (!plan.wantsRule()) {
            rule(false, changes);
        }
        vxlan(plan.vxlan(), changes);
        wireguard(plan.wireguard(), driver, keys, changes);
        routes(plan, changes);
        if (plan.wantsRule()) {
            rule(true, changes);
        }
        packets(plan.packets(), changes);
        return changes;
    }

    private void vxlan(Optional<TunnelPlan.Vxlan> wanted, List<String> changes) {
        String name = layout.vxlanInterface();
        Optional<IpRoute2.Link> link = ip.link(name);
        if (wanted.isEmpty()) {
            link.ifPresent(l -> delete(name, changes));
            return;
        }
        TunnelPlan.Vxlan vxlan = wanted.get();
        if (link.isPresent() && !sameVxlan(link.get(), vxlan)) {
            delete(name, changes); // an id, port, local address or underlay device cannot change in place
            link = Optional.empty();
        }
        if (link.isEmpty()) {
            ip.run("ip", "link", "add", "dev", name, "type", "vxlan", "id", String.valueOf(vxlan.vni()), "dstport",
                    String.valueOf(vxlan.port()), "local", vxlan.localAddress(), "dev", vxlan.underlayDevice(), "nolearning");
            changes.add("created VXLAN link " + name + " (id " + vxlan.vni() + ")");
            link = ip.link(name);
        }
        IpRoute2.Link found = link.orElseThrow();
        if (!vxlan.mac().equalsIgnoreCase(found.mac())) {
            ip.run("ip", "link", "set", "dev", name, "address", vxlan.mac());
            changes.add("set the MAC of " + name);
        }
        mtuAndUp(name, found, vxlan.mtu(), changes);
        addresses(name, Set.of(vxlan.address()), changes);
        Set<IpRoute2.Entry> wantedForwarding = new HashSet<>();
        Set<IpRoute2.Entry> wantedNeighbors = new HashSet<>();
        vxlan.neighbors().forEach(n -> {
            wantedForwarding.add(new IpRoute2.Entry(n.mac(), n.underlayAddress()));
            wantedNeighbors.add(new IpRoute2.Entry(n.address(), n.mac()));
        });
        for (IpRoute2.Entry entry : ip.forwardingEntries(name)) {
            if (!wantedForwarding.remove(entry)) {
                ip.run("bridge", "fdb", "del", entry.key(), "dev", name, "dst", entry.value());
                changes.add("removed the forwarding entry " + entry.key() + " -> " + entry.value());
            }
        }
        for (IpRoute2.Entry entry : wantedForwarding) {
            ip.run("bridge", "fdb", "replace", entry.key(), "dev", name, "dst", entry.value());
            changes.add("forwarding entry " + entry.key() + " -> " + entry.value());
        }
        for (IpRoute2.Entry entry : ip.neighbors(name)) {
            if (!wantedNeighbors.remove(entry)) {
                ip.run("ip", "neigh", "del", entry.key(), "dev", name);
                changes.add("removed the neighbour " + entry.key());
            }
        }
        for (IpRoute2.Entry entry : wantedNeighbors) {
            ip.run("ip", "neigh", "replace", entry.key(), "lladdr", entry.value(), "dev", name, "nud", "permanent");
            changes.add("neighbour " + entry.key() + " at " + entry.value());
        }
    }

    private static boolean sameVxlan(IpRoute2.Link link, TunnelPlan.Vxlan wanted) {
        var details = link.details();
        return "vxlan".equals(link.kind()) && details.path("id").asInt() == wanted.vni() && details.path("port").asInt() == wanted.port()
                && wanted.localAddress().equals(details.path("local").asText()) && wanted.underlayDevice().equals(details.path("link").asText())
                && !details.path("learning").asBoolean(true);
    }

    private void wireguard(Optional<TunnelPlan.WireGuard> wanted, WireGuardDriver driver, Keys keys, List<String> changes)
            throws IOException {
        String name = layout.wireguardInterface();
        Optional<IpRoute2.Link> link = ip.link(name);
        if (wanted.isEmpty()) {
            if (link.isPresent()) {
                if (driver != null) {
                    driver.delete(name);
                } else {
                    delete(name, changes);
                }
                changes.add("removed WireGuard link " + name);
            }
            return;
        }
        TunnelPlan.WireGuard plan = wanted.get();
        if (link.isPresent() && !ownedBy(driver, link.get())) {
            delete(name, changes); // left by an earlier run, or a wireguard-go that is no longer ours
            link = Optional.empty();
        }
        if (link.isEmpty()) {
            driver.create(name);
            changes.add("created WireGuard link " + name + " (" + driver.name() + ")");
            link = ip.link(name);
        }
        mtuAndUp(name, link.orElseThrow(), plan.mtu(), changes);
        int keepalive = (int) layout.keepalive().toSeconds();
        if (!WireGuardTool.holds(wg.show(name), plan, keys.publicKey(), keepalive)) {
            wg.sync(name, plan, keys.privateKey(), keys.presharedKey(), keepalive);
            changes.add("WireGuard peers " + plan.peers().stream().map(TunnelPlan.Peer::nodeName).toList());
        }
    }

    /** A kernel link is the kernel's whoever made it; a TUN link is ours only while our wireguard-go runs it. */
    private static boolean ownedBy(WireGuardDriver driver, IpRoute2.Link link) {
        return driver instanceof UserspaceWireGuard userspace ? userspace.runs(link.name()) : "wireguard".equals(link.kind());
    }

    private void mtuAndUp(String name, IpRoute2.Link link, int mtu, List<String> changes) {
        if (link.mtu() != mtu) {
            ip.run("ip", "link", "set", "dev", name, "mtu", String.valueOf(mtu));
            changes.add("MTU of " + name + " " + mtu);
        }
        if (!link.up()) {
            ip.run("ip", "link", "set", "dev", name, "up");
            changes.add("set " + name + " up");
        }
    }

    private void addresses(String device, Set<String> wanted, List<String> changes) {
        Set<String> missing = new HashSet<>(wanted);
        for (String address : ip.addresses(device)) {
            if (!missing.remove(address)) {
                ip.run("ip", "addr", "del", address, "dev", device);
                changes.add("removed address " + address + " from " + device);
            }
        }
        for (String address : missing) {
            ip.run("ip", "addr", "add", address, "dev", device);
            changes.add("address " + address + " on " + device);
        }
    }

    private void routes(TunnelPlan plan, List<String> changes) {
        String table = String.valueOf(layout.routeTable());
        Set<TunnelPlan.Route> missing = new HashSet<>(plan.routes());
        for (IpRoute2.RouteEntry route : ip.routes(layout.routeTable())) {
            TunnelPlan.Route found = new TunnelPlan.Route(route.destination(), route.device(), route.via());
            boolean asPlanned = plan.routes().contains(found) && (route.via() == null || route.onlink());
            if (asPlanned) {
                missing.remove(found);
            } else {
                ip.run("ip", "route", "del", route.destination(), "table", table);
                changes.add("removed route " + route.destination());
            }
        }
        for (TunnelPlan.Route route : missing) {
            List<String> command = new ArrayList<>(List.of("ip", "route", "replace", route.destination()));
            if (route.via() != null) {
                command.addAll(List.of("via", route.via()));
            }
            command.addAll(List.of("dev", route.device()));
            if (route.via() != null) {
                command.add("onlink");
            }
            command.addAll(List.of("table", table));
            ip.run(command.toArray(String[]::new));
            changes.add("route " + route.destination() + " dev " + route.device() + (route.via() == null ? "" : " via " + route.via()));
        }
    }

    private void rule(boolean wanted, List<String> changes) {
        String table = String.valueOf(layout.routeTable());
        boolean present = false;
        for (int priority : ip.rulePriorities(layout.routeTable())) {
            if (wanted && priority == layout.rulePriority() && !present) {
                present = true;
            } else {
                ip.run("ip", "rule", "del", "priority", String.valueOf(priority), "lookup", table);
                changes.add("removed the rule into table " + table + " at priority " + priority);
            }
        }
        if (wanted && !present) {
            ip.run("ip", "rule", "add", "priority", String.valueOf(layout.rulePriority()), "lookup", table);
            changes.add("rule into table " + table + " at priority " + layout.rulePriority());
        }
    }

    private void packets(Optional<TunnelPlan.PacketRules> wanted, List<String> changes) {
        Optional<String> comment = nftComment();
        if (wanted.isEmpty()) {
            if (comment.isPresent()) {
                commands.run("nft", "delete", "table", "inet", layout.nftTable());
                changes.add("removed nftables table " + layout.nftTable());
            }
            return;
        }
        if (!comment.equals(Optional.of(NftRuleset.comment(wanted.get())))) {
            commands.runWithInput(NftRuleset.replacement(layout.nftTable(), wanted.get()), "nft", "-f", "-");
            changes.add("nftables table " + layout.nftTable());
        }
    }

    /** The comment of Corvus's nftables table (its digest), "" when it has none, empty when there is no table. */
    private Optional<String> nftComment() {
        String listed;
        try {
            listed = commands.run("nft", "list", "table", "inet", layout.nftTable());
        } catch (Commands.Failed e) {
            if (e.stderr().contains("No such file or directory")) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(listed.lines().map(String::strip).filter(line -> line.startsWith("comment \""))
                .map(line -> line.substring("comment \"".length(), line.length() - 1)).findFirst().orElse(""));
    }

    private void delete(String name, List<String> changes) {
        ip.run("ip", "link", "del", "dev", name);
        changes.add("removed link " + name);
    }

    /** What the WireGuard link holds now, for the status; empty when there is no link. */
    Optional<WireGuardTool.LinkState> wireguardState() {
        return ip.link(layout.wireguardInterface()).isEmpty() ? Optional.empty() : Optional.of(wg.show(layout.wireguardInterface()));
    }

    /** Packets and bytes each way per WireGuard peer, by counter name ({@link NftRuleset#counter}); empty without the table. */
    Map<String, long[]> peerCounters() {
        Map<String, long[]> counters = new HashMap<>();
        String listed;
        try {
            listed = commands.run("nft", "-j", "list", "counters", "table", "inet", layout.nftTable());
        } catch (Commands.Failed e) {
            return counters;
        }
        try {
            for (var entry : io.corvus.events.Json.mapper().readTree(listed).path("nftables")) {
                var counter = entry.path("counter");
                if (!counter.isMissingNode()) {
                    counters.put(counter.path("name").asText(), new long[] {counter.path("packets").asLong(), counter.path("bytes").asLong()});
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("nft answered something that is not JSON: " + listed.strip(), e);
        }
        return counters;
    }

    /** The device holding the address, and its MTU, as the node's underlay. */
    Optional<String[]> deviceOf(String address) {
        return ip.allAddresses().stream().filter(a -> a[0].equals(address)).findFirst();
    }
}
