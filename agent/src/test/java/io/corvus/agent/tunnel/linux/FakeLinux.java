package io.corvus.agent.tunnel.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The part of a Linux node's networking the tunnel's adapter uses, in memory: it answers the
 * commands {@link LinuxTunnel} runs as iproute2, wg and nft do (the same JSON, the same errors) and
 * keeps the state they change, so that the planner and the adapter can be driven through thousands
 * of topologies without root. The real tools are exercised in the namespace tests.
 */
final class FakeLinux extends Commands {

    record Link(String kind, int mtu, String mac, boolean up, int vni, int port, String local, String underlay, boolean learning) {
        Link with(int newMtu, String newMac, boolean newUp) {
            return new Link(kind, newMtu, newMac, newUp, vni, port, local, underlay, learning);
        }
    }

    record Route(String device, String via, boolean onlink, String table) {
    }

    record Peer(String endpoint, SortedSet<String> allowedIps, int keepalive) {
    }

    final SortedMap<String, Link> links = new TreeMap<>();
    final Map<String, SortedSet<String>> addresses = new TreeMap<>();
    final Map<String, SortedMap<String, String>> forwarding = new TreeMap<>();
    final Map<String, SortedMap<String, String>> neighbors = new TreeMap<>();
    final SortedMap<String, Route> routes = new TreeMap<>();
    final SortedMap<Integer, String> rules = new TreeMap<>();
    final SortedMap<String, String> nftTables = new TreeMap<>();
    final Map<String, Integer> listenPorts = new TreeMap<>();
    final Map<String, SortedMap<String, Peer>> peers = new TreeMap<>();
    /** The node's own device, with the node's address: never Corvus's. */
    final String underlayDevice = "eth0";
    int commandsRun;

    FakeLinux() {
        links.put(underlayDevice, new Link("veth", 1500, "02:00:00:00:00:01", true, 0, 0, null, null, false));
    }

    @Override
    public String run(String... command) {
        commandsRun++;
        List<String> c = List.of(command);
        return switch (c.getFirst()) {
            case "ip" -> ip(c);
            case "bridge" -> bridge(c);
            case "wg" -> wg(c);
            case "nft" -> nft(c, null);
            default -> throw new IllegalArgumentException("the fake node has no " + c.getFirst());
        };
    }

    @Override
    public String runWithInput(String input, String... command) {
        commandsRun++;
        List<String> c = List.of(command);
        int batch = c.indexOf("-batch");
        if (batch > 0) {
            // each line is one command of the tool with the options before -batch, run in order; the first failure stops the batch
            List<String> answers = new ArrayList<>();
            for (String line : input.strip().split("\n")) {
                List<String> each = new ArrayList<>(c.subList(0, batch));
                each.addAll(List.of(line.strip().split(" ")));
                String answer = c.getFirst().equals("ip") ? ip(each) : bridge(each);
                if (!answer.isEmpty()) {
                    answers.add(answer);
                }
            }
            return String.join("\n", answers);
        }
        return nft(List.of(command), input);
    }

    private String ip(List<String> c) {
        String joined = String.join(" ", c).replace("ip -j -d ", "ip -j "); // details change nothing the fake answers
        if (joined.equals("ip -j link show")) {
            List<String> json = new ArrayList<>();
            links.forEach((name, link) -> json.add("{\"ifname\":\"" + name + "\",\"mtu\":" + link.mtu() + ",\"address\":\""
                    + link.mac() + "\",\"flags\":[" + (link.up() ? "\"UP\"" : "") + "],\"linkinfo\":{\"info_kind\":\"" + link.kind()
                    + "\",\"info_data\":{\"id\":" + link.vni() + ",\"port\":" + link.port() + ",\"local\":\"" + link.local()
                    + "\",\"link\":\"" + link.underlay() + "\",\"learning\":" + link.learning() + "}}}"));
            return "[" + String.join(",", json) + "]";
        }
        if (joined.equals("ip -j addr show")) {
            return addressJson(List.copyOf(links.keySet()));
        }
        if (joined.startsWith("ip link add dev ")) {
            String name = c.get(4);
            if (links.containsKey(name)) {
                throw failed(c, "RTNETLINK answers: File exists");
            }
            if (c.get(6).equals("vxlan")) {
                links.put(name, new Link("vxlan", 1500, "ee:ee:ee:ee:ee:ee", false, Integer.parseInt(c.get(8)), Integer.parseInt(c.get(10)),
                        c.get(12), c.get(14), !c.contains("nolearning")));
            } else {
                links.put(name, new Link(c.get(6), 1420, "", false, 0, 0, null, null, false));
                listenPorts.put(name, 0);
                peers.put(name, new TreeMap<>());
            }
            return "";
        }
        if (joined.startsWith("ip link set dev ")) {
            String name = c.get(4);
            Link link = existing(c, name);
            links.put(name, switch (c.get(5)) {
                case "address" -> link.with(link.mtu(), c.get(6), link.up());
                case "mtu" -> link.with(Integer.parseInt(c.get(6)), link.mac(), link.up());
                case "up" -> link.with(link.mtu(), link.mac(), true);
                default -> throw new IllegalArgumentException(joined);
            });
            return "";
        }
        if (joined.startsWith("ip link del dev ")) {
            String name = c.get(4);
            existing(c, name);
            links.remove(name);
            // the kernel takes the link's addresses, entries and routes with it
            addresses.remove(name);
            forwarding.remove(name);
            neighbors.remove(name);
            routes.values().removeIf(route -> route.device().equals(name));
            listenPorts.remove(name);
            peers.remove(name);
            return "";
        }
        if (joined.startsWith("ip addr add ")) {
            existing(c, c.get(5));
            addresses.computeIfAbsent(c.get(5), d -> new TreeSet<>()).add(c.get(3));
            return "";
        }
        if (joined.startsWith("ip addr del ")) {
            addresses.getOrDefault(c.get(5), new TreeSet<>()).remove(c.get(3));
            return "";
        }
        if (joined.equals("ip -j neigh show")) {
            List<String> json = new ArrayList<>();
            neighbors.forEach((device, entries) -> entries.forEach((address, mac) -> json.add("{\"dst\":\"" + address + "\",\"dev\":\""
                    + device + "\",\"lladdr\":\"" + mac + "\",\"state\":[\"PERMANENT\"]}")));
            return "[" + String.join(",", json) + "]";
        }
        if (joined.startsWith("ip neigh replace ")) {
            existing(c, c.get(7));
            neighbors.computeIfAbsent(c.get(7), d -> new TreeMap<>()).put(c.get(3), c.get(5));
            return "";
        }
        if (joined.startsWith("ip neigh del ")) {
            neighbors.getOrDefault(c.get(5), new TreeMap<>()).remove(c.get(3));
            return "";
        }
        if (joined.equals("ip -j route show table all")) {
            StringBuilder json = new StringBuilder("[{\"type\":\"local\",\"dst\":\"" + underlayAddress + "\",\"dev\":\"" + underlayDevice
                    + "\",\"table\":\"local\",\"flags\":[]}");
            routes.forEach((destination, route) -> json.append(",{\"dst\":\"").append(destination).append("\"")
                    .append(route.via() == null ? "" : ",\"gateway\":\"" + route.via() + "\"").append(",\"dev\":\"").append(route.device())
                    .append("\",\"table\":\"").append(route.table()).append("\",\"flags\":[").append(route.onlink() ? "\"onlink\"" : "")
                    .append("]}"));
            return json.append("]").toString();
        }
        if (joined.startsWith("ip route replace ")) {
            String destination = c.get(3);
            int dev = c.indexOf("dev");
            existing(c, c.get(dev + 1));
            routes.put(destination, new Route(c.get(dev + 1), c.contains("via") ? c.get(c.indexOf("via") + 1) : null, c.contains("onlink"),
                    c.get(c.indexOf("table") + 1)));
            return "";
        }
        if (joined.startsWith("ip route del ")) {
            routes.remove(c.get(3));
            return "";
        }
        if (joined.equals("ip -j rule show")) {
            StringBuilder json = new StringBuilder("[{\"priority\":0,\"src\":\"all\",\"table\":\"local\"}");
            rules.forEach((priority, table) -> json.append(",{\"priority\":").append(priority).append(",\"src\":\"all\",\"table\":\"")
                    .append(table).append("\"}"));
            return json.append(",{\"priority\":32766,\"src\":\"all\",\"table\":\"main\"}]").toString();
        }
        if (joined.startsWith("ip rule add priority ")) {
            rules.put(Integer.parseInt(c.get(4)), c.get(6));
            return "";
        }
        if (joined.startsWith("ip rule del priority ")) {
            rules.remove(Integer.parseInt(c.get(4)));
            return "";
        }
        throw new IllegalArgumentException("the fake node does not know: " + joined);
    }

    private String bridge(List<String> c) {
        String joined = String.join(" ", c);
        if (joined.startsWith("bridge -j fdb show dev ")) {
            StringBuilder json = new StringBuilder("[");
            forwarding.getOrDefault(c.get(5), new TreeMap<>()).forEach((mac, dst) -> json.append(json.length() > 1 ? "," : "")
                    .append("{\"mac\":\"").append(mac).append("\",\"dst\":\"").append(dst).append("\",\"state\":\"permanent\"}"));
            return json.append("]").toString();
        }
        if (joined.startsWith("bridge fdb replace ")) {
            existing(c, c.get(5));
            forwarding.computeIfAbsent(c.get(5), d -> new TreeMap<>()).put(c.get(3), c.get(7));
            return "";
        }
        if (joined.startsWith("bridge fdb del ")) {
            forwarding.getOrDefault(c.get(5), new TreeMap<>()).remove(c.get(3));
            return "";
        }
        throw new IllegalArgumentException("the fake node does not know: " + joined);
    }

    private String wg(List<String> c) {
        String device = c.get(2);
        existing(c, device);
        if (c.get(1).equals("show")) {
            StringBuilder dump = new StringBuilder("private\t" + publicKeyOf(device) + "\t" + listenPorts.get(device) + "\toff\n");
            peers.get(device).forEach((key, peer) -> dump.append(key).append("\tpsk\t").append(peer.endpoint() == null ? "(none)" : peer.endpoint())
                    .append("\t").append(peer.allowedIps().isEmpty() ? "(none)" : String.join(",", peer.allowedIps())).append("\t0\t0\t0\t")
                    .append(peer.keepalive() == 0 ? "off" : String.valueOf(peer.keepalive())).append("\n"));
            return dump.toString();
        }
        // syncconf: the file is the link's whole configuration
        try {
            SortedMap<String, Peer> configured = new TreeMap<>();
            String key = null;
            String endpoint = null;
            SortedSet<String> allowed = new TreeSet<>();
            int keepalive = 0;
            for (String line : Files.readAllLines(Path.of(c.get(3)))) {
                if (line.startsWith("ListenPort = ")) {
                    listenPorts.put(device, Integer.parseInt(line.substring(13)));
                } else if (line.startsWith("PrivateKey = ")) {
                    privateKeys.put(device, line.substring(13));
                } else if (line.equals("[Peer]")) {
                    if (key != null) {
                        configured.put(key, new Peer(endpoint, allowed, keepalive));
                    }
                    key = null;
                    endpoint = null;
                    allowed = new TreeSet<>();
                    keepalive = 0;
                } else if (line.startsWith("PublicKey = ")) {
                    key = line.substring(12);
                } else if (line.startsWith("Endpoint = ")) {
                    endpoint = line.substring(11);
                } else if (line.startsWith("AllowedIPs = ")) {
                    allowed.addAll(List.of(line.substring(13).split(", ")));
                } else if (line.startsWith("PersistentKeepalive = ")) {
                    keepalive = Integer.parseInt(line.substring(22));
                }
            }
            if (key != null) {
                configured.put(key, new Peer(endpoint, allowed, keepalive));
            }
            peers.put(device, configured);
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final Map<String, String> privateKeys = new TreeMap<>();

    /** The public key wg reports: the test's keys are named after their private halves. */
    private String publicKeyOf(String device) {
        return privateKeys.containsKey(device) ? "public-of-" + privateKeys.get(device) : "(none)";
    }

    private String nft(List<String> c, String input) {
        if (input != null) {
            String table = null;
            String comment = "";
            for (String line : input.lines().toList()) {
                String stripped = line.strip();
                if (stripped.startsWith("delete table inet ")) {
                    nftTables.remove(stripped.substring(18));
                } else if (stripped.startsWith("table inet ") && stripped.endsWith("{")) {
                    table = stripped.substring(11, stripped.length() - 2);
                } else if (stripped.startsWith("comment \"") && table != null) {
                    comment = stripped.substring(9, stripped.length() - 1);
                }
            }
            nftTables.put(table, comment);
            return "";
        }
        String table = c.get(4);
        if (c.get(1).equals("list")) {
            if (!nftTables.containsKey(table)) {
                throw failed(c, "Error: No such file or directory");
            }
            return "table inet " + table + " {\n\tcomment \"" + nftTables.get(table) + "\"\n}\n";
        }
        nftTables.remove(table);
        return "";
    }

    private String addressJson(List<String> devices) {
        StringBuilder json = new StringBuilder("[");
        for (String device : devices) {
            json.append(json.length() > 1 ? "," : "").append("{\"ifname\":\"").append(device).append("\",\"mtu\":")
                    .append(links.containsKey(device) ? links.get(device).mtu() : 0).append(",\"addr_info\":[");
            List<String> entries = new ArrayList<>();
            if (device.equals(underlayDevice)) {
                entries.add("{\"family\":\"inet\",\"local\":\"" + underlayAddress + "\",\"prefixlen\":24,\"scope\":\"global\"}");
            }
            addresses.getOrDefault(device, new TreeSet<>()).forEach(address -> entries.add("{\"family\":\"inet\",\"local\":\""
                    + address.substring(0, address.indexOf('/')) + "\",\"prefixlen\":" + address.substring(address.indexOf('/') + 1)
                    + ",\"scope\":\"global\"}"));
            json.append(String.join(",", entries)).append("]}");
        }
        return json.append("]").toString();
    }

    String underlayAddress = "10.0.0.1";

    private Link existing(List<String> c, String name) {
        Link link = links.get(name);
        if (link == null) {
            throw failed(c, "Cannot find device \"" + name + "\"");
        }
        return link;
    }

    private static Failed failed(List<String> c, String stderr) {
        return new Failed(c, 1, stderr);
    }
}
