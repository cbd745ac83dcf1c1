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
import io.corvus.events.Json;

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

    /** The node's networking as it is now; what {@link #apply} compares a plan with. */
    IpRoute2.Observed observe() {
        return ip.observe();
    }

    /** Applies the plan to the node as it is now; see {@link #apply(TunnelPlan, IpRoute2.Observed, WireGuardDriver, Keys)}. */
    List<String> apply(TunnelPlan plan, WireGuardDriver driver, Keys keys) throws IOException {
        return apply(plan, observe(), driver, keys);
    }

    /**
     * Applies the plan and says what it changed (empty when the node already held it). The changes
     * to links, addresses, neighbours, routes and the rule go to {@code ip} in one batch, in the
     * order they must happen, and the forwarding entries to {@code bridge} in another: a handful of
     * processes, however many objects change.
     *
     * @param seen   the node as {@link #observe} found it just before
     * @param driver how a WireGuard link comes into being; needed only when the plan has one
     * @param keys   the node's keys; needed only when the plan has a WireGuard link
     */
    List<String> apply(TunnelPlan plan, IpRoute2.Observed seen, WireGuardDriver driver, Keys keys) throws IOException {
        Batch batch = new Batch();
        if (!plan.wantsRule()) {
            rule(false, seen, batch);
        }
        vxlan(plan.vxlan(), seen, batch);
        boolean syncPeers = wireguard(plan.wireguard(), seen, driver, keys, batch);
        routes(plan, seen, batch);
        if (plan.wantsRule()) {
            rule(true, seen, batch);
        }
        batch.run(commands);
        if (syncPeers) {
            TunnelPlan.WireGuard wanted = plan.wireguard().orElseThrow();
            wg.sync(wanted.device(), wanted, keys.privateKey(), keys.presharedKey(), (int) layout.keepalive().toSeconds());
            batch.changes.add("WireGuard peers " + wanted.peers().stream().map(TunnelPlan.Peer::nodeName).toList());
        }
        packets(plan.packets(), batch.changes);
        return batch.changes;
    }

    /** The changes of one apply: {@code ip} and {@code bridge} commands in order, and what they mean. */
    private static final class Batch {
        final List<String> ip = new ArrayList<>();
        final List<String> bridge = new ArrayList<>();
        final List<String> changes = new ArrayList<>();
        /** Links removed in this apply: the kernel took their addresses, entries and routes with them. */
        final Set<String> removedLinks = new HashSet<>();

        void removeLink(String name) {
            ip("removed link " + name, "link", "del", "dev", name);
            removedLinks.add(name);
        }

        void ip(String change, String... command) {
            ip.add(String.join(" ", command));
            changes.add(change);
        }

        void bridge(String change, String... command) {
            bridge.add(String.join(" ", command));
            changes.add(change);
        }

        void run(Commands commands) {
            if (!ip.isEmpty()) {
                commands.runWithInput(String.join("\n", ip) + "\n", "ip", "-batch", "-");
            }
            if (!bridge.isEmpty()) {
                commands.runWithInput(String.join("\n", bridge) + "\n", "bridge", "-batch", "-");
            }
        }
    }

    private void vxlan(Optional<TunnelPlan.Vxlan> wanted, IpRoute2.Observed seen, Batch batch) {
        String name = layout.vxlanInterface();
        Optional<IpRoute2.Link> link = seen.link(name);
        if (wanted.isEmpty()) {
            link.ifPresent(l -> batch.removeLink(name));
            return;
        }
        TunnelPlan.Vxlan vxlan = wanted.get();
        boolean fresh = link.isEmpty() || !sameVxlan(link.get(), vxlan);
        if (link.isPresent() && fresh) {
            batch.removeLink(name); // an id, port, local address or underlay device cannot change in place
        }
        if (fresh) {
            batch.ip("created VXLAN link " + name + " (id " + vxlan.vni() + ")", "link", "add", "dev", name, "type", "vxlan", "id",
                    String.valueOf(vxlan.vni()), "dstport", String.valueOf(vxlan.port()), "local", vxlan.localAddress(), "dev",
                    vxlan.underlayDevice(), "nolearning");
        }
        if (fresh || !vxlan.mac().equalsIgnoreCase(link.get().mac())) {
            batch.ip("set the MAC of " + name, "link", "set", "dev", name, "address", vxlan.mac());
        }
        mtuAndUp(name, fresh ? Optional.empty() : link, vxlan.mtu(), batch);
        Set<String> missingAddresses = new HashSet<>(Set.of(vxlan.address()));
        Set<IpRoute2.Entry> missingForwarding = new HashSet<>();
        Set<IpRoute2.Entry> missingNeighbors = new HashSet<>();
        vxlan.neighbors().forEach(n -> {
            missingForwarding.add(new IpRoute2.Entry(n.mac(), n.underlayAddress()));
            missingNeighbors.add(new IpRoute2.Entry(n.address(), n.mac()));
        });
        if (!fresh) {
            for (String address : seen.addresses(name)) {
                if (!missingAddresses.remove(address)) {
                    batch.ip("removed address " + address + " from " + name, "addr", "del", address, "dev", name);
                }
            }
            for (IpRoute2.Entry entry : ip.forwardingEntries(name)) {
                if (!missingForwarding.remove(entry)) {
                    batch.bridge("removed the forwarding entry " + entry.key() + " -> " + entry.value(), "fdb", "del", entry.key(), "dev",
                            name, "dst", entry.value());
                }
            }
            for (IpRoute2.Entry entry : seen.neighbors(name)) {
                if (!missingNeighbors.remove(entry)) {
                    batch.ip("removed the neighbour " + entry.key(), "neigh", "del", entry.key(), "dev", name);
                }
            }
        }
        missingAddresses.forEach(address -> batch.ip("address " + address + " on " + name, "addr", "add", address, "dev", name));
        missingForwarding.forEach(entry -> batch.bridge("forwarding entry " + entry.key() + " -> " + entry.value(), "fdb", "replace",
                entry.key(), "dev", name, "dst", entry.value()));
        missingNeighbors.forEach(entry -> batch.ip("neighbour " + entry.key() + " at " + entry.value(), "neigh", "replace", entry.key(),
                "lladdr", entry.value(), "dev", name, "nud", "permanent"));
    }

    private static boolean sameVxlan(IpRoute2.Link link, TunnelPlan.Vxlan wanted) {
        var details = link.details();
        return "vxlan".equals(link.kind()) && details.path("id").asInt() == wanted.vni() && details.path("port").asInt() == wanted.port()
                && wanted.localAddress().equals(details.path("local").asText()) && wanted.underlayDevice().equals(details.path("link").asText())
                && !details.path("learning").asBoolean(true);
    }

    /**
     * Brings the WireGuard link as the plan wants it; the link itself is made (or removed) at once,
     * since WireGuard's own tool needs it. Returns whether its peers must be set.
     */
    private boolean wireguard(Optional<TunnelPlan.WireGuard> wanted, IpRoute2.Observed seen, WireGuardDriver driver, Keys keys,
            Batch batch) throws IOException {
        String name = layout.wireguardInterface();
        Optional<IpRoute2.Link> link = seen.link(name);
        if (wanted.isEmpty()) {
            if (link.isPresent()) {
                if (driver != null) {
                    driver.delete(name);
                } else {
                    commands.run("ip", "link", "del", "dev", name);
                }
                batch.changes.add("removed WireGuard link " + name);
                batch.removedLinks.add(name);
            }
            return false;
        }
        TunnelPlan.WireGuard plan = wanted.get();
        if (link.isPresent() && !driver.owns(link.get())) {
            commands.run("ip", "link", "del", "dev", name); // left by an earlier run, or a device that is no longer ours
            batch.changes.add("removed link " + name);
            batch.removedLinks.add(name);
            link = Optional.empty();
        }
        if (link.isEmpty()) {
            driver.create(name);
            batch.changes.add("created WireGuard link " + name + " (" + driver.name() + ")");
        }
        mtuAndUp(name, link, plan.mtu(), batch);
        return link.isEmpty() || !WireGuardTool.holds(wg.show(name), plan, keys.publicKey(), (int) layout.keepalive().toSeconds());
    }

    /** @param link the link as found, or empty for one made in this apply (its MTU is the default, it is down) */
    private void mtuAndUp(String name, Optional<IpRoute2.Link> link, int mtu, Batch batch) {
        if (link.isEmpty() || link.get().mtu() != mtu) {
            batch.ip("MTU of " + name + " " + mtu, "link", "set", "dev", name, "mtu", String.valueOf(mtu));
        }
        if (link.isEmpty() || !link.get().up()) {
            batch.ip("set " + name + " up", "link", "set", "dev", name, "up");
        }
    }

    private void routes(TunnelPlan plan, IpRoute2.Observed seen, Batch batch) {
        String table = String.valueOf(layout.routeTable());
        Set<TunnelPlan.Route> missing = new HashSet<>(plan.routes());
        for (IpRoute2.RouteEntry route : seen.routes(layout.routeTable())) {
            if (batch.removedLinks.contains(route.device())) {
                continue; // gone with its link, planned or not
            }
            TunnelPlan.Route found = new TunnelPlan.Route(route.destination(), route.device(), route.via());
            boolean asPlanned = plan.routes().contains(found) && (route.via() == null || route.onlink());
            if (asPlanned) {
                missing.remove(found);
            } else {
                batch.ip("removed route " + route.destination(), "route", "del", route.destination(), "table", table);
            }
        }
        for (TunnelPlan.Route route : missing) {
            List<String> command = new ArrayList<>(List.of("route", "replace", route.destination()));
            if (route.via() != null) {
                command.addAll(List.of("via", route.via()));
            }
            command.addAll(List.of("dev", route.device()));
            if (route.via() != null) {
                command.add("onlink");
            }
            command.addAll(List.of("table", table));
            batch.ip("route " + route.destination() + " dev " + route.device() + (route.via() == null ? "" : " via " + route.via()),
                    command.toArray(String[]::new));
        }
    }

    private void rule(boolean wanted, IpRoute2.Observed seen, Batch batch) {
        String table = String.valueOf(layout.routeTable());
        boolean present = false;
        for (int priority : seen.rulePriorities(layout.routeTable())) {
            if (wanted && priority == layout.rulePriority() && !present) {
                present = true;
            } else {
                batch.ip("removed the rule into table " + table + " at priority " + priority, "rule", "del", "priority",
                        String.valueOf(priority), "lookup", table);
            }
        }
        if (wanted && !present) {
            batch.ip("rule into table " + table + " at priority " + layout.rulePriority(), "rule", "add", "priority",
                    String.valueOf(layout.rulePriority()), "lookup", table);
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

    /** What the WireGuard link holds now, for the status of a plan that has one; fails when the link is not there. */
    WireGuardTool.LinkState wireguardState() {
        return wg.show(layout.wireguardInterface());
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
            for (var entry : Json.lenient().readTree(listed).path("nftables")) {
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

}
