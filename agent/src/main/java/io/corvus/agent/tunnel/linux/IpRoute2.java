package io.corvus.agent.tunnel.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.corvus.events.Json;

/**
 * What iproute2 says of the node's links, addresses, routes, rules, neighbours and forwarding
 * entries, read from its JSON output ({@code ip -j}, {@code bridge -j}), and the calls that change
 * them. Only ever asked about Corvus's own names and table.
 */
class IpRoute2 {

    /** A link as found: kind ({@code vxlan}, {@code wireguard}, {@code tun}), MTU, MAC, up or not, and its kind's details. */
    record Link(String name, String kind, int mtu, String mac, boolean up, JsonNode details) {
    }

    /** A route of one table. */
    record RouteEntry(String destination, String device, String via, boolean onlink) {
    }

    /** A static neighbour entry, or a forwarding entry: an address (or MAC) and where it leads. */
    record Entry(String key, String value) {
    }

    /** iproute2's JSON has repeated a key in some versions' detail output: the last one wins. */
    private static final com.fasterxml.jackson.databind.ObjectReader JSON = Json.mapper().reader()
            .without(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Commands commands;

    IpRoute2(Commands commands) {
        this.commands = commands;
    }

    Optional<Link> link(String name) {
        JsonNode links;
        try {
            links = parse(commands.run("ip", "-j", "-d", "link", "show", "dev", name));
        } catch (Commands.Failed e) {
            if (e.stderr().contains("does not exist")) {
                return Optional.empty();
            }
            throw e;
        }
        if (!links.isArray() || links.isEmpty()) {
            return Optional.empty();
        }
        JsonNode link = links.get(0);
        boolean up = false;
        for (JsonNode flag : link.path("flags")) {
            up |= "UP".equals(flag.asText());
        }
        return Optional.of(new Link(link.path("ifname").asText(), link.path("linkinfo").path("info_kind").asText(""),
                link.path("mtu").asInt(), link.path("address").asText(""), up, link.path("linkinfo").path("info_data")));
    }

    /** The device's global IPv4 addresses, as {@code address/prefix}. */
    List<String> addresses(String device) {
        List<String> addresses = new ArrayList<>();
        for (JsonNode link : parse(commands.run("ip", "-j", "addr", "show", "dev", device))) {
            for (JsonNode address : link.path("addr_info")) {
                if ("inet".equals(address.path("family").asText()) && !"link".equals(address.path("scope").asText())) {
                    addresses.add(address.path("local").asText() + "/" + address.path("prefixlen").asInt());
                }
            }
        }
        return addresses;
    }

    /** Every IPv4 address of the node with the device it is on and that device's MTU. */
    List<String[]> allAddresses() {
        List<String[]> found = new ArrayList<>();
        for (JsonNode link : parse(commands.run("ip", "-j", "addr", "show"))) {
            for (JsonNode address : link.path("addr_info")) {
                if ("inet".equals(address.path("family").asText())) {
                    found.add(new String[] {address.path("local").asText(), link.path("ifname").asText(),
                            String.valueOf(link.path("mtu").asInt())});
                }
            }
        }
        return found;
    }

    List<RouteEntry> routes(int table) {
        List<RouteEntry> routes = new ArrayList<>();
        JsonNode listed;
        try {
            listed = parse(commands.run("ip", "-j", "route", "show", "table", String.valueOf(table)));
        } catch (Commands.Failed e) {
            if (e.stderr().contains("table does not exist") || e.stderr().contains("FIB table does not exist")) {
                return routes;
            }
            throw e;
        }
        for (JsonNode route : listed) {
            boolean onlink = false;
            for (JsonNode flag : route.path("flags")) {
                onlink |= "onlink".equals(flag.asText());
            }
            routes.add(new RouteEntry(route.path("dst").asText(), route.path("dev").asText(),
                    route.hasNonNull("gateway") ? route.get("gateway").asText() : null, onlink));
        }
        return routes;
    }

    /** The priorities of the policy rules that look up {@code table}. */
    List<Integer> rulePriorities(int table) {
        List<Integer> priorities = new ArrayList<>();
        for (JsonNode rule : parse(commands.run("ip", "-j", "rule", "show"))) {
            if (String.valueOf(table).equals(rule.path("table").asText())) {
                priorities.add(rule.path("priority").asInt());
            }
        }
        return priorities;
    }

    /** The device's permanent neighbour entries: address to MAC. */
    List<Entry> neighbors(String device) {
        List<Entry> entries = new ArrayList<>();
        for (JsonNode neighbor : parse(commands.run("ip", "-j", "neigh", "show", "dev", device))) {
            boolean permanent = false;
            for (JsonNode state : neighbor.path("state")) {
                permanent |= "PERMANENT".equals(state.asText());
            }
            if (permanent) {
                entries.add(new Entry(neighbor.path("dst").asText(), neighbor.path("lladdr").asText()));
            }
        }
        return entries;
    }

    /** The VXLAN device's forwarding entries with a destination: MAC to underlay address. */
    List<Entry> forwardingEntries(String device) {
        List<Entry> entries = new ArrayList<>();
        for (JsonNode entry : parse(commands.run("bridge", "-j", "fdb", "show", "dev", device))) {
            if (entry.hasNonNull("dst")) {
                entries.add(new Entry(entry.path("mac").asText(), entry.get("dst").asText()));
            }
        }
        return entries;
    }

    void run(String... command) {
        commands.run(command);
    }

    private static JsonNode parse(String output) {
        if (output.isBlank()) {
            return Json.mapper().createArrayNode();
        }
        try {
            return JSON.readTree(output);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("iproute2 answered something that is not JSON: " + output.strip(), e);
        }
    }
}
