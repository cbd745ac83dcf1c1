package io.corvus.agent.tunnel.linux;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.corvus.events.Json;

/**
 * What iproute2 says of the node's links, addresses, routes, rules, neighbours and forwarding
 * entries, read from its JSON output ({@code ip -j}, {@code bridge -j}), and the calls that change
 * them. Only Corvus's own names and table are looked at.
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

    /** An IPv4 address of the node, the device it is on and that device's MTU. */
    record Address(String address, String device, int mtu) {
    }

    /** The questions {@link #observe} asks, in the order their answers come. */
    private static final String QUESTIONS = String.join("\n", "link show", "addr show", "neigh show", "route show table all", "rule show")
            + "\n";

    private final Commands commands;

    IpRoute2(Commands commands) {
        this.commands = commands;
    }

    /**
     * The node's links, addresses, neighbours, routes and policy rules, read together by one
     * {@code ip -batch}: one process where asking each question on its own took five or more, each
     * costing tens of milliseconds on a busy node.
     */
    Observed observe() {
        List<JsonNode> answers = new ArrayList<>();
        String output = commands.runWithInput(QUESTIONS, "ip", "-j", "-d", "-batch", "-");
        try (JsonParser parser = Json.lenient().createParser(output)) {
            while (parser.nextToken() != null) { // one JSON value per question, one after the other
                answers.add(Json.lenient().readTree(parser));
            }
        } catch (IOException e) {
            throw new IllegalStateException("iproute2 answered something that is not JSON: " + output.strip(), e);
        }
        if (answers.size() != 5) {
            throw new IllegalStateException("iproute2 answered " + answers.size() + " of the 5 questions it was asked: " + output.strip());
        }
        return new Observed(answers.get(0), answers.get(1), answers.get(2), answers.get(3), answers.get(4));
    }

    /** What {@link #observe} found: the node's networking at one moment. */
    record Observed(JsonNode links, JsonNode addresses, JsonNode neighbors, JsonNode routes, JsonNode rules) {

        Optional<Link> link(String name) {
            for (JsonNode link : links) {
                if (name.equals(link.path("ifname").asText())) {
                    return Optional.of(new Link(name, link.path("linkinfo").path("info_kind").asText(""), link.path("mtu").asInt(),
                            link.path("address").asText(""), flagged(link.path("flags"), "UP"), link.path("linkinfo").path("info_data")));
                }
            }
            return Optional.empty();
        }

        /** The device's global IPv4 addresses, as {@code address/prefix}. */
        List<String> addresses(String device) {
            return allAddresses().filter(a -> a.device().equals(device) && !a.linkScope()).map(a -> a.address() + "/" + a.prefix()).toList();
        }

        /** The device that holds {@code address}, with its MTU. */
        Optional<Address> deviceOf(String address) {
            return allAddresses().filter(a -> a.address().equals(address)).findFirst()
                    .map(a -> new Address(a.address(), a.device(), a.mtu()));
        }

        private record Found(String address, int prefix, String device, int mtu, boolean linkScope) {
        }

        private Stream<Found> allAddresses() {
            List<Found> found = new ArrayList<>();
            for (JsonNode link : addresses) {
                for (JsonNode address : link.path("addr_info")) {
                    if ("inet".equals(address.path("family").asText())) {
                        found.add(new Found(address.path("local").asText(), address.path("prefixlen").asInt(), link.path("ifname").asText(),
                                link.path("mtu").asInt(), "link".equals(address.path("scope").asText())));
                    }
                }
            }
            return found.stream();
        }

        List<RouteEntry> routes(int table) {
            List<RouteEntry> found = new ArrayList<>();
            for (JsonNode route : routes) {
                if (String.valueOf(table).equals(route.path("table").asText())) {
                    found.add(new RouteEntry(route.path("dst").asText(), route.path("dev").asText(),
                            route.hasNonNull("gateway") ? route.get("gateway").asText() : null, flagged(route.path("flags"), "onlink")));
                }
            }
            return found;
        }

        /** The priorities of the policy rules that look up {@code table}. */
        List<Integer> rulePriorities(int table) {
            List<Integer> priorities = new ArrayList<>();
            for (JsonNode rule : rules) {
                if (String.valueOf(table).equals(rule.path("table").asText())) {
                    priorities.add(rule.path("priority").asInt());
                }
            }
            return priorities;
        }

        /** The device's permanent neighbour entries: address to MAC. */
        List<Entry> neighbors(String device) {
            List<Entry> entries = new ArrayList<>();
            for (JsonNode neighbor : neighbors) {
                if (device.equals(neighbor.path("dev").asText()) && flagged(neighbor.path("state"), "PERMANENT")) {
                    entries.add(new Entry(neighbor.path("dst").asText(), neighbor.path("lladdr").asText()));
                }
            }
            return entries;
        }

        private static boolean flagged(JsonNode flags, String flag) {
            for (JsonNode each : flags) {
                if (flag.equals(each.asText())) {
                    return true;
                }
            }
            return false;
        }
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

    private static JsonNode parse(String output) {
        if (output.isBlank()) {
            return Json.mapper().createArrayNode();
        }
        try {
            return Json.lenient().readTree(output);
        } catch (IOException e) {
            throw new IllegalStateException("iproute2 answered something that is not JSON: " + output.strip(), e);
        }
    }
}
