package io.corvus.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.corvus.events.Json;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CorvusEvent;
import io.corvus.events.payload.GatewayTopology;

/**
 * Tunnel mode's throughput and failover, measured in one run on this machine against its peers
 * (bench/tunnel.sh): iperf3 between pods of two pools through the whole Corvus path (VXLAN to the
 * edge gateway, WireGuard to the cloud gateway, VXLAN to the cloud node) and between pods on the two
 * gateways (the tunnel without the VXLAN hops), against, between the same two gateway namespaces,
 * wireguard-go configured by hand (the driver alone), kernel VXLAN alone,
 * and the bare veth pair over the bridge; one stream and eight, in rounds with the variants taking
 * turns, medians reported (ratios: the median of each round's ratio). Before that, in each round,
 * how long switching tunnel mode on takes to traffic flowing (the first round with every agent's
 * JVM cold); after it, in each round, how long after a SIGKILL of the edge gateway's agent traffic
 * flows through its successor. First, on a cluster of its own whose agents run wireguard-go
 * (corvus.agent.tunnel.driver), the same Corvus path alone, for the ratio of the agents' own Java
 * WireGuard (the driver of the main cluster) to wireguard-go in the same place: the two clusters
 * one after the other, since two stacks at once would share this machine's two cores.
 * Prints name=value lines.
 */
public final class TunnelBench {

    private static final String CLUSTER = "bench";
    private static final int SECONDS = 8;

    private final TunnelLab lab;
    private final LocalStack stack;
    private final EventWatcher watcher;

    private TunnelBench(TunnelLab lab, LocalStack stack, EventWatcher watcher) {
        this.lab = lab;
        this.stack = stack;
        this.watcher = watcher;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Layout layout = new Layout(Path.of(System.getProperty("corvus.home", ".")).toAbsolutePath().normalize());
        Path run = layout.freshRunFolder("bench-tunnel");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Map<Integer, List<Measured>> withWireguardGo;
        try (TunnelLab lab = TunnelLab.create(layout.home(), run.resolve("wireguard-go"), CLUSTER, pools("wireguard-go"));
                LocalStack stack = new LocalStack(layout, run.resolve("wireguard-go"), quiet)) {
            stack.start(LocalStack.Ports.free(), lab.inventory(), Set.of(), lab);
            try (EventWatcher watcher = EventWatcher.fromBeginning(stack.connection(), quiet).start()) {
                withWireguardGo = new TunnelBench(lab, stack, watcher).corvusPathAlone(rounds);
            }
        }
        try (TunnelLab lab = TunnelLab.create(layout.home(), run, CLUSTER, pools("java")); LocalStack stack = new LocalStack(layout, run, quiet)) {
            stack.start(LocalStack.Ports.free(), lab.inventory(), Set.of(), lab);
            try (EventWatcher watcher = EventWatcher.fromBeginning(stack.connection(), quiet).start()) {
                new TunnelBench(lab, stack, watcher).measure(rounds, withWireguardGo);
            }
        }
        System.exit(0);
    }

    private static List<TunnelLab.Pool> pools(String driver) {
        return List.of(new TunnelLab.Pool("cloud", false, 2, driver), new TunnelLab.Pool("edge", true, 2, driver));
    }

    /** Tunnel mode switched on, then iperf3 between member pods of the two pools, {@code rounds} times with 1 and with 8 streams. */
    private Map<Integer, List<Measured>> corvusPathAlone(int rounds) throws Exception {
        new ConfigApi(stack.address("config-service"), stack.tokens().admin())
                .put(CLUSTER, "{\"proxy\": {\"enabled\": false}, \"tunnel\": {\"enabled\": true, \"flatNetwork\": true}}", null);
        NamespaceLab.Node edge = member("edge");
        NamespaceLab.Node cloud = member("cloud");
        await(() -> reachable(edge, cloud), "traffic from an edge pod to a cloud pod");
        Map<Integer, List<Measured>> measured = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (int streams : new int[] {1, 8}) {
                measured.computeIfAbsent(streams, k -> new ArrayList<>()).add(iperf(edge.podNamespace(), cloud.podNamespace(),
                        cloud.podAddress(), streams));
            }
        }
        return measured;
    }

    /** @param withWireguardGo the Corvus path's throughput where the agents run wireguard-go, by streams */
    private void measure(int rounds, Map<Integer, List<Measured>> withWireguardGo) throws Exception {
        ConfigApi api = new ConfigApi(stack.address("config-service"), stack.tokens().admin());
        // the cluster is known with tunnel mode off first, so that what is timed is the change alone
        String etag = api.put(CLUSTER, "{\"proxy\": {\"enabled\": false}, \"tunnel\": {\"enabled\": false, \"flatNetwork\": true}}", null)
                .etag();
        await(() -> watcher.seen().stream().anyMatch(e -> e instanceof GatewayTopology t && t.clusterId().equals(CLUSTER)), "a topology");
        List<Long> changes = new ArrayList<>();
        List<Long> toTopology = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            if (round > 0) {
                Instant off = Instant.now();
                etag = api.patch(CLUSTER, "{\"tunnel\": {\"enabled\": false}}", etag).etag();
                await(() -> everyAgentReportsTunnelOffSince(off), "every agent's tunnel off");
            }
            // the pods of members of either pool: which node becomes the gateway is not known before the election
            NamespaceLab.Node edge = lab.pool("edge").get(round % 2);
            NamespaceLab.Node cloud = lab.pool("cloud").get(round % 2);
            Instant switched = Instant.now();
            etag = api.patch(CLUSTER, "{\"tunnel\": {\"enabled\": true}}", etag).etag();
            Instant first = lab.lab().firstReply(edge, cloud.podAddress(), Duration.ofSeconds(120))
                    .orElseThrow(() -> new IllegalStateException("no traffic from an edge pod to a cloud pod within 120 s"));
            changes.add(Duration.between(switched, first).toMillis());
            toTopology.add(Duration.between(switched, lastPoolElectedSince(switched)).toMillis());
        }

        NamespaceLab.Node edge = member("edge");
        NamespaceLab.Node cloud = member("cloud");
        NamespaceLab.Node edgeGateway = lab.node(endpoint("edge"));
        NamespaceLab.Node cloudGateway = lab.node(endpoint("cloud"));
        Baselines baselines = Baselines.between(lab, edgeGateway, cloudGateway);
        Map<String, List<Measured>> measured = new LinkedHashMap<>();
        Map<String, String[]> paths = new LinkedHashMap<>();
        paths.put("corvus", new String[] {edge.podNamespace(), cloud.podNamespace(), cloud.podAddress()});
        // pods on the gateways themselves: the same tunnel without the two VXLAN hops to and from members
        paths.put("corvus_gateway_pods", new String[] {edgeGateway.podNamespace(), cloudGateway.podNamespace(), cloudGateway.podAddress()});
        paths.put("driver", new String[] {edgeGateway.namespace(), cloudGateway.namespace(), Baselines.WIREGUARD_B});
        paths.put("vxlan", new String[] {edgeGateway.namespace(), cloudGateway.namespace(), Baselines.VXLAN_B});
        paths.put("veth", new String[] {edgeGateway.namespace(), cloudGateway.namespace(), cloudGateway.address()});
        try {
            for (int round = 0; round < rounds; round++) {
                for (var path : paths.entrySet()) {
                    for (int streams : new int[] {1, 8}) {
                        measured.computeIfAbsent(path.getKey() + "_" + streams, k -> new ArrayList<>())
                                .add(iperf(path.getValue()[0], path.getValue()[1], path.getValue()[2], streams));
                    }
                }
            }
        } finally {
            baselines.close();
        }
        List<Long> failovers = new ArrayList<>();
        List<Long> elections = new ArrayList<>();
        List<String> causes = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            Failover failover = failover();
            failovers.add(failover.toTraffic());
            elections.add(failover.toElection());
            causes.add(failover.cause());
        }

        withWireguardGo.forEach((streams, values) -> measured.put("corvus_wireguard_go_" + streams, values));
        measured.forEach((name, values) -> {
            print(name + "_gbps", values, Measured::gbps);
            print(name + "_cpu_s_per_gb", values, Measured::machineCpuPerGb);
            print(name + "_tunnel_device_cpu_s_per_gb", values, Measured::tunnelDeviceCpuPerGb);
        });
        int processors = CpuMeter.processors();
        for (int streams : new int[] {1, 8}) {
            List<Double> corvus = gbits(measured.get("corvus_" + streams));
            for (String peer : List.of("driver", "vxlan", "veth")) {
                System.out.printf(Locale.ROOT, "ratio_vs_%s_%d=%.2f%n", peer, streams,
                        medianRatio(corvus, gbits(measured.get(peer + "_" + streams))));
            }
            System.out.printf(Locale.ROOT, "ratio_gateway_pods_vs_vxlan_%d=%.2f%n", streams,
                    medianRatio(gbits(measured.get("corvus_gateway_pods_" + streams)), gbits(measured.get("vxlan_" + streams))));
            // the two clusters ran one after the other: medians, not paired rounds
            System.out.printf(Locale.ROOT, "ratio_java_vs_wireguard_go_%d=%.2f%n", streams,
                    median(corvus) / median(gbits(withWireguardGo.get(streams))));
            // where the processors go: at a quarter of VXLAN alone, this machine's processors have this much time per GB for the
            // whole path; what the path costs beside the tunnel devices (two VXLAN hops, forwarding, both iperf3 ends) stays
            double quarterOfVxlanGigabytesPerSecond = median(gbits(measured.get("vxlan_" + streams))) / 4 / 8;
            double budget = processors / quarterOfVxlanGigabytesPerSecond;
            double rest = median(measured.get("corvus_" + streams).stream().map(m -> m.machineCpuPerGb() - m.tunnelDeviceCpuPerGb()).toList());
            System.out.printf(Locale.ROOT, "corvus_path_beside_devices_cpu_s_per_gb_%d=%.2f%nquarter_of_vxlan_cpu_s_per_gb_%d=%.2f%n"
                    + "quarter_of_vxlan_leaves_devices_cpu_s_per_gb_%d=%.2f%n", streams, rest, streams, budget, streams, budget - rest);
        }
        System.out.printf(Locale.ROOT, "config_change_to_topology_ms=%d%nconfig_change_to_traffic_ms=%d%nconfig_change_to_traffic_ms_rounds=%s%n",
                medianOf(toTopology), medianOf(changes), changes);
        System.out.printf(Locale.ROOT, "failover_ms=%d%nfailover_ms_rounds=%s%nfailover_to_election_ms_rounds=%s%nfailover_causes=%s%n"
                + "driver=%s%n", medianOf(failovers), failovers, elections, causes, driverName());
    }

    /** When the last pool got a tunnel endpoint after {@code since}. */
    private Instant lastPoolElectedSince(Instant since) {
        return watcher.seen().stream().filter(GatewayTopology.class::isInstance).map(GatewayTopology.class::cast)
                .filter(t -> t.clusterId().equals(CLUSTER) && t.tunnelEnabled() && t.publishedAt().isAfter(since)
                        && t.endpoints().stream().anyMatch(e -> e.type() == GatewayTopology.EndpointType.TUNNEL))
                .collect(Collectors.toMap(GatewayTopology::gatewayName, GatewayTopology::publishedAt, (a, b) -> a.isBefore(b) ? a : b))
                .values().stream().max(Instant::compareTo).orElseThrow();
    }

    /** The newest heartbeat of {@code hub} says it holds a presence connection with {@code gateway}: a gateway that ran a while. */
    private boolean holdsPresence(String hub, String gateway) {
        return watcher.seen().stream().filter(AgentHeartbeat.class::isInstance).map(AgentHeartbeat.class::cast)
                .filter(h -> h.clusterId().equals(CLUSTER) && h.nodeName().equals(hub) && h.tunnel() != null).reduce((a, b) -> b)
                .map(h -> h.holdsTunnelPresenceWith(gateway)).orElse(false);
    }

    /** Every node has sent a heartbeat since {@code since}, and its newest says its tunnel is off. */
    private boolean everyAgentReportsTunnelOffSince(Instant since) {
        Map<String, AgentHeartbeat> newest = new HashMap<>();
        watcher.seen().stream().filter(AgentHeartbeat.class::isInstance).map(AgentHeartbeat.class::cast)
                .filter(h -> h.clusterId().equals(CLUSTER) && h.sentAt().isAfter(since)).forEach(h -> newest.put(h.nodeName(), h));
        return lab.inventory().nodeNames().stream().allMatch(node -> newest.containsKey(node) && (newest.get(node).tunnel() == null
                || newest.get(node).tunnel().state() == AgentHeartbeat.TunnelState.OFF));
    }

    /** The median of each round's ratio: the two were measured back to back, so the machine's mood cancels out. */
    private static double medianRatio(List<Double> numerators, List<Double> denominators) {
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < numerators.size(); round++) {
            ratios.add(numerators.get(round) / denominators.get(round));
        }
        return median(ratios);
    }

    private static long medianOf(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    /** One failover: from the kill to the elector's topology without the killed node, and to traffic; why the elector moved. */
    private record Failover(long toElection, long toTraffic, String cause) {
    }

    /** SIGKILL of the edge pool's tunnel endpoint, until a pod of the pool reaches a cloud pod through its successor; the killed agent comes back after. */
    private Failover failover() throws Exception {
        String killed = endpoint("edge");
        NamespaceLab.Node survivor = member("edge");
        NamespaceLab.Node cloud = member("cloud");
        await(() -> reachable(survivor, cloud), "traffic before the kill");
        String hub = endpoint("cloud");
        await(() -> holdsPresence(hub, killed), "presence connection of " + hub + " with " + killed);
        Instant start = Instant.now();
        stack.kill("agent-" + killed);
        // the killed gateway's links die with it (wireguard-go with its agent), so no answer comes before the successor's
        Instant first = lab.lab().firstReply(survivor, cloud.podAddress(), Duration.ofSeconds(120))
                .orElseThrow(() -> new IllegalStateException("no traffic through the successor within 120 s"));
        long millis = Duration.between(start, first).toMillis();
        GatewayTopology moved = watcher.seen().stream().filter(GatewayTopology.class::isInstance).map(GatewayTopology.class::cast)
                .filter(t -> t.clusterId().equals(CLUSTER) && !t.publishedAt().isBefore(start) && t.changes().stream()
                        .anyMatch(c -> c.nodeName().equals(killed) && !c.added() && c.type() == GatewayTopology.EndpointType.TUNNEL))
                .findFirst().orElseThrow(() -> new IllegalStateException("traffic flowed, but no topology removed " + killed));
        String cause = moved.changes().stream().filter(c -> c.nodeName().equals(killed) && !c.added()).findFirst().orElseThrow()
                .cause().name();
        stack.restart("agent-" + killed);
        return new Failover(Duration.between(start, moved.publishedAt()).toMillis(), millis, cause);
    }

    private String driverName() {
        return watcher.seen().stream().filter(AgentHeartbeat.class::isInstance).map(AgentHeartbeat.class::cast)
                .filter(h -> h.tunnel() != null && h.tunnel().driver() != null).map(h -> h.tunnel().driver()).findFirst().orElse("unknown");
    }

    /**
     * A test's throughput and what it cost the machine per GB received: all processors, and the
     * threads of tunnel devices among them.
     */
    private record Measured(double gbps, double machineCpuPerGb, double tunnelDeviceCpuPerGb) {
    }

    private static List<Double> gbits(List<Measured> measured) {
        return measured.stream().map(Measured::gbps).toList();
    }

    private static void print(String name, List<Measured> values, ToDoubleFunction<Measured> figure) {
        List<Double> figures = values.stream().map(figure::applyAsDouble).toList();
        System.out.printf(Locale.ROOT, "%s=%.2f%n%s_rounds=%s%n", name, median(figures), name,
                figures.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList());
    }

    private Measured iperf(String clientNamespace, String serverNamespace, String address, int streams) throws Exception {
        Process server = new ProcessBuilder("ip", "netns", "exec", serverNamespace, "iperf3", "-s", "-1", "-B", address)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            JsonNode result = null;
            CpuMeter.Reading before = null;
            // iperf3 -J exits 0 also when it could not connect: the server may not listen yet, so try until it measured
            for (int attempt = 0; attempt < 50 && !measured(result); attempt++) {
                if (attempt > 0) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                before = CpuMeter.read();
                Process client = new ProcessBuilder("ip", "netns", "exec", clientNamespace, "iperf3", "-J", "-c", address, "-t",
                        String.valueOf(SECONDS), "-P", String.valueOf(streams)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                client.waitFor();
                result = out.isBlank() ? null : Json.lenient().readTree(out);
            }
            if (!measured(result)) {
                throw new IllegalStateException("iperf3 to " + address + " with " + streams + " streams measured nothing: "
                        + (result == null ? "it printed nothing" : result.path("error").asText(result.toString())));
            }
            CpuMeter.Reading cost = CpuMeter.read().since(before);
            double gigabytes = result.at("/end/sum_received/bytes").asDouble() / 1e9;
            return new Measured(result.at("/end/sum_received/bits_per_second").asDouble() / 1e9, cost.busy() / gigabytes,
                    cost.tunnelDevices() / gigabytes);
        } finally {
            server.destroyForcibly();
            server.waitFor();
        }
    }

    private static boolean measured(JsonNode iperfResult) {
        return iperfResult != null && iperfResult.at("/end/sum_received/bits_per_second").isNumber();
    }

    private boolean reachable(NamespaceLab.Node from, NamespaceLab.Node to) throws Exception {
        return lab.lab().exitCodeInPod(from, "ping", "-n", "-c", "1", "-W", "1", to.podAddress()) == 0;
    }

    private NamespaceLab.Node member(String pool) throws Exception {
        String gateway = endpoint(pool);
        return lab.pool(pool).stream().filter(node -> !node.name().equals(gateway)).findFirst().orElseThrow();
    }

    private String endpoint(String pool) throws Exception {
        await(() -> newest(pool) != null && newest(pool).endpoints().stream().anyMatch(e -> e.type() == GatewayTopology.EndpointType.TUNNEL),
                "a tunnel endpoint of " + pool);
        return newest(pool).endpoints().stream().filter(e -> e.type() == GatewayTopology.EndpointType.TUNNEL).findFirst().orElseThrow()
                .nodeName();
    }

    private GatewayTopology newest(String pool) {
        List<CorvusEvent> seen = watcher.seen();
        return seen.stream().filter(e -> e instanceof GatewayTopology t && t.clusterId().equals(CLUSTER) && t.gatewayName().equals(pool))
                .map(e -> (GatewayTopology) e).reduce((a, b) -> b).orElse(null);
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition, String what) throws Exception {
        Instant deadline = Instant.now().plusSeconds(120);
        while (!condition.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("no " + what + " within 120 s");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /**
     * The peers, set up by hand between the two gateway namespaces beside Corvus's own links: a
     * WireGuard pair run by wireguard-go (the driver alone), a VXLAN pair (the kernel's VXLAN alone).
     */
    private record Baselines(TunnelLab lab, NamespaceLab.Node a, NamespaceLab.Node b, List<Process> wireguard) implements AutoCloseable {

        static final String WIREGUARD_B = "192.168.251.2";
        static final String VXLAN_B = "192.168.250.2";

        static Baselines between(TunnelLab lab, NamespaceLab.Node a, NamespaceLab.Node b) throws Exception {
            String prefix = lab.lab().id();
            NamespaceLab.Node[] ends = {a, b};
            List<Process> wireguard = new ArrayList<>();
            Path keys = Files.createTempDirectory("bench-wg");
            for (int i = 0; i < 2; i++) {
                NamespaceLab.Node node = ends[i];
                NamespaceLab.Node other = ends[1 - i];
                lab.lab().in(node, "ip", "link", "add", "bvx", "type", "vxlan", "id", "4242", "dstport", "4789", "remote", other.address(),
                        "dev", "eth0");
                lab.lab().in(node, "ip", "addr", "add", "192.168.250." + (i + 1) + "/24", "dev", "bvx");
                lab.lab().in(node, "ip", "link", "set", "bvx", "up");
                wireguard.add(new ProcessBuilder("ip", "netns", "exec", node.namespace(), "wireguard-go", "-f", prefix + "b" + i)
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
                Files.writeString(keys.resolve("key" + i), lab.lab().in(node, "wg", "genkey"));
            }
            for (int i = 0; i < 2; i++) {
                NamespaceLab.Node node = ends[i];
                String device = prefix + "b" + i;
                await(() -> Files.exists(Path.of("/var/run/wireguard/" + device + ".sock")), "wireguard-go " + device);
                String peerKey = lab.lab().in(ends[1 - i], "bash", "-c", "wg pubkey < " + keys.resolve("key" + (1 - i))).strip();
                lab.lab().in(node, "wg", "set", device, "private-key", keys.resolve("key" + i).toString(), "listen-port", "51820", "peer",
                        peerKey, "allowed-ips", "192.168.251.0/24", "endpoint", ends[1 - i].address() + ":51820");
                lab.lab().in(node, "ip", "addr", "add", "192.168.251." + (i + 1) + "/24", "dev", device);
                lab.lab().in(node, "ip", "link", "set", device, "mtu", "1440", "up"); // the MTU Corvus gives its links over IPv4
            }
            return new Baselines(lab, a, b, wireguard);
        }

        @Override
        public void close() throws IOException, InterruptedException {
            for (NamespaceLab.Node node : List.of(a, b)) {
                lab.lab().in(node, "ip", "link", "del", "bvx");
            }
            wireguard.forEach(Process::destroyForcibly);
        }
    }
}
