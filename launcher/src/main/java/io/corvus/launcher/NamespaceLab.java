package io.corvus.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Hosts made of network namespaces on this machine, for tunnel mode without a cluster: each node
 * is a namespace on a shared underlay bridge (its own address there, its own routes, its own
 * nftables), with its pods in a namespace of their own behind a veth pair, as a CNI places them.
 * The bridge's address on the host is where the stack's broker and services answer the agents.
 *
 * <p>Everything the lab makes is named after it ({@code cv<id>-…}), and {@link #close} removes it,
 * processes first, also after a failure. Needs root (CAP_NET_ADMIN) and iproute2.
 */
final class NamespaceLab implements AutoCloseable {

    /** One node: its namespace, its pods' namespace, its underlay address and its pod CIDR. */
    record Node(String name, String namespace, String podNamespace, String address, String podCidr) {

        /** The one pod of the node: the second address of its pod CIDR (the first is its node's side of the veth). */
        String podAddress() {
            return offset(podCidr, 2);
        }

        String podGateway() {
            return offset(podCidr, 1);
        }

        private static String offset(String cidr, int by) {
            String network = cidr.substring(0, cidr.indexOf('/'));
            int last = network.lastIndexOf('.');
            return network.substring(0, last + 1) + (Integer.parseInt(network.substring(last + 1)) + by);
        }
    }

    private final String id;
    private final int subnet;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private boolean bridgeUp;

    private NamespaceLab(String id, int subnet) {
        this.id = id;
        this.subnet = subnet;
    }

    /**
     * A lab with an unused id on an unused 10.231.N.0/24 underlay; says why and fails when this
     * machine cannot make network namespaces (not root, no iproute2).
     */
    static NamespaceLab create(Path home) throws IOException, InterruptedException {
        ensureTools(home);
        List<String> taken = run("ip", "netns", "list").lines().map(line -> line.split(" ")[0]).toList();
        for (int n = 1; n < 250; n++) {
            String id = "cv" + n;
            if (taken.stream().noneMatch(ns -> ns.startsWith(id + "-")) && !exists("ip", "link", "show", id + "br")) {
                NamespaceLab lab = new NamespaceLab(id, n);
                lab.bridge();
                return lab;
            }
        }
        throw new IllegalStateException("no free lab id: remove the cv<N>-* namespaces and cv<N>br bridges earlier runs left");
    }

    private static void ensureTools(Path home) throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("tunnel mode's lab needs root: network namespaces, veth pairs, VXLAN and WireGuard "
                    + "links need CAP_NET_ADMIN (run as root, or leave the tunnel part out)");
        }
        Process install = new ProcessBuilder("bash", home.resolve("tools/host-packages.sh").toString()).redirectErrorStream(true).start();
        String said = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (install.waitFor() != 0) {
            throw new IllegalStateException("tunnel mode's lab cannot get its tools: " + said.strip());
        }
    }

    /** What every name the lab makes starts with ({@code cv<N>}). */
    String id() {
        return id;
    }

    /** The host's address on the underlay: where the broker and the services answer the agents. */
    String hostAddress() {
        return "10.231." + subnet + ".1";
    }

    private void bridge() throws IOException, InterruptedException {
        run("ip", "link", "add", id + "br", "type", "bridge");
        bridgeUp = true;
        run("ip", "addr", "add", hostAddress() + "/24", "dev", id + "br");
        run("ip", "link", "set", id + "br", "up");
    }

    /** Adds a node: its namespace on the bridge at 10.231.N.(10 + index), its pods' namespace behind a veth pair. */
    Node add(String name, String podCidr) throws IOException, InterruptedException {
        int index = nodes.size();
        Node node = new Node(name, id + "-" + name, id + "-" + name + "-pod", "10.231." + subnet + "." + (10 + index), podCidr);
        nodes.put(name, node);
        String veth = id + "v" + index;
        run("ip", "netns", "add", node.namespace());
        run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", node.namespace());
        run("ip", "link", "set", veth, "master", id + "br", "up");
        in(node, "ip", "addr", "add", node.address() + "/24", "dev", "eth0");
        in(node, "ip", "link", "set", "eth0", "up");
        in(node, "ip", "link", "set", "lo", "up");
        // what a Kubernetes node has: it forwards its pods' packets
        in(node, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        run("ip", "netns", "add", node.podNamespace());
        in(node, "ip", "link", "add", "pods", "type", "veth", "peer", "name", "eth0", "netns", node.podNamespace());
        in(node, "ip", "addr", "add", node.podGateway() + "/" + podCidr.substring(podCidr.indexOf('/') + 1), "dev", "pods");
        in(node, "ip", "link", "set", "pods", "up");
        inPod(node, "ip", "addr", "add", node.podAddress() + "/" + podCidr.substring(podCidr.indexOf('/') + 1), "dev", "eth0");
        inPod(node, "ip", "link", "set", "eth0", "up");
        inPod(node, "ip", "link", "set", "lo", "up");
        inPod(node, "ip", "route", "add", "default", "via", node.podGateway());
        return node;
    }

    Node node(String name) {
        Node node = nodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("the lab has no node " + name + "; it has " + nodes.keySet());
        }
        return node;
    }

    List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    /** The command prefix that runs a process in the node's namespace. */
    List<String> prefix(Node node) {
        return List.of("ip", "netns", "exec", node.namespace());
    }

    /** Runs a command in the node's namespace and returns what it printed. */
    String in(Node node, String... command) throws IOException, InterruptedException {
        return run(concat(prefix(node), command));
    }

    /** Runs a command in the node's pods' namespace. */
    String inPod(Node node, String... command) throws IOException, InterruptedException {
        return run(concat(List.of("ip", "netns", "exec", node.podNamespace()), command));
    }

    /** Runs a command in the node's pods' namespace; its exit code, whatever it printed. */
    int exitCodeInPod(Node node, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(concat(List.of("ip", "netns", "exec", node.podNamespace()), command))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    /**
     * When the first answer to a ping from the node's pod to {@code address} came back, pinging every
     * 10 ms with a 100 ms wait each; empty when none came within {@code within}. What "traffic flows
     * again" means, measured to about a ping, not to a poll. (One long-running ping will not do: it
     * stops at the first "unreachable".)
     */
    Optional<Instant> firstReply(Node from, String address, Duration within)
            throws IOException, InterruptedException {
        Process pinging = new ProcessBuilder("timeout", String.valueOf(Math.max(1, within.toSeconds())), "ip", "netns", "exec",
                from.podNamespace(), "bash", "-c", "until ping -n -q -c 1 -W 0.1 " + address + " >/dev/null 2>&1; do sleep 0.01; done; "
                        + "date +%s.%N").redirectErrorStream(true).start();
        String answered = new String(pinging.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (pinging.waitFor() != 0 || answered.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = answered.split("\\.");
        return Optional.of(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
    }

    /** Kills every process of the lab's namespaces, then removes the namespaces and the bridge. */
    @Override
    public void close() {
        for (Node node : nodes.values()) {
            for (String namespace : List.of(node.podNamespace(), node.namespace())) {
                try {
                    for (String pid : run("ip", "netns", "pids", namespace).lines().filter(line -> !line.isBlank()).toList()) {
                        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
                    }
                    run("ip", "netns", "del", namespace);
                } catch (Exception gone) {
                    // removed already, or never made: nothing left to remove
                }
            }
        }
        if (bridgeUp) {
            try {
                run("ip", "link", "del", id + "br");
            } catch (Exception gone) {
                // removed already
            }
        }
        // a wireguard-go killed with its namespace leaves its control socket in the machine's one folder
        try (var sockets = Files.newDirectoryStream(Path.of("/var/run/wireguard"), id + "*.sock")) {
            for (Path socket : sockets) {
                Files.deleteIfExists(socket);
            }
        } catch (IOException none) {
            // no folder: no socket
        }
    }

    static String run(String... command) throws IOException, InterruptedException {
        return run(List.of(command));
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
        return output;
    }

    private static boolean exists(String... command) {
        try {
            run(command);
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    private static List<String> concat(List<String> prefix, String... command) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(command));
        return all;
    }
}
