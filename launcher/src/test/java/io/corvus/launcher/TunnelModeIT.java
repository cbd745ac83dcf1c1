package io.corvus.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.corvus.events.Json;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CorvusEvent;
import io.corvus.events.payload.GatewayTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tunnel mode through the real data path: a cloud pool and two edge pools of two nodes each, every
 * node a network namespace on a shared underlay bridge running a real agent process, pods in
 * namespaces behind veth pairs; the broker and the three services on the host, at the bridge's
 * address. Traffic goes only to addresses inside namespaces the test made. The tests build on each
 * other in order: up, traffic, boundaries, failover, restart, disable, shutdown.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TunnelModeIT {

    private static final String CLUSTER = "lab";
    /** Heartbeats every second, stale after three: a lost gateway is replaced within this, plus the election's tick. */
    private static final Duration HEARTBEAT_WINDOW = Duration.ofSeconds(3);

    @TempDir
    static Path runFolder;
    private static TunnelLab lab;
    private static LocalStack stack;
    private static EventWatcher watcher;
    private static ConfigApi api;

    @BeforeAll
    static void startTheLabAndSwitchTunnelModeOn() throws Exception {
        Layout layout = new Layout(Path.of("..").toAbsolutePath().normalize());
        assertThat(layout.missingArtifacts()).as("built by the modules before this one").isEmpty();
        lab = TunnelLab.create(layout.home(), runFolder, CLUSTER, TunnelLab.THREE_POOLS);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        stack = new LocalStack(layout, runFolder, out);
        stack.start(LocalStack.Ports.free(), lab.inventory(), Set.of(), lab);
        watcher = EventWatcher.fromBeginning(stack.connection(), out).start();
        api = new ConfigApi(stack.address("config-service"), stack.tokens().admin());
        ConfigApi.Reply put = api.put(CLUSTER, "{\"proxy\": {\"enabled\": false}, \"tunnel\": {\"enabled\": true, \"flatNetwork\": true}}",
                null);
        assertThat(put.status()).as(put.body().toString()).isEqualTo(201);
    }

    @AfterAll
    static void stopEverything() {
        try {
            if (watcher != null) {
                watcher.close();
            }
            if (stack != null) {
                stack.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @Test
    @Order(1)
    void aPodOnAnEdgeMemberReachesAPodOnACloudMemberThroughVxlanWireGuardAndVxlan() throws Exception {
        NamespaceLab.Node edge = memberOf("edge-hangzhou");
        NamespaceLab.Node cloud = memberOf("cloud");

        awaitReachable(edge, cloud, Duration.ofSeconds(120));
        assertThat(lab.lab().inPod(edge, "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", cloud.podAddress())).contains("3 received");
    }

    @Test
    @Order(2)
    void aPodOfOneEdgePoolReachesAPodOfTheOtherThroughTheHub() throws Exception {
        NamespaceLab.Node hangzhou = memberOf("edge-hangzhou");
        NamespaceLab.Node shanghai = memberOf("edge-shanghai");

        awaitReachable(hangzhou, shanghai, Duration.ofSeconds(60));
    }

    @Test
    @Order(3)
    void theHubsHeartbeatAndMetricsSayTrafficFlowsToEachPeer() throws Exception {
        String hub = tunnelEndpoint("cloud");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            AgentHeartbeat.TunnelReport report = heartbeat(hub).tunnel();
            assertThat(report.state()).isEqualTo(AgentHeartbeat.TunnelState.READY);
            assertThat(report.peers()).extracting(AgentHeartbeat.TunnelPeer::nodeName)
                    .containsExactlyInAnyOrder(tunnelEndpoint("edge-hangzhou"), tunnelEndpoint("edge-shanghai"));
            assertThat(report.peers()).allSatisfy(peer -> {
                assertThat(peer.latestHandshake()).isNotNull();
                assertThat(peer.probeOk()).isTrue();
                assertThat(peer.rxPackets()).isPositive();
                assertThat(peer.txPackets()).isPositive();
            });
        });
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://" + lab.node(hub).address() + ":" + stack.agentPorts(hub).metrics() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("corvus_tunnel_ready 1.0", "corvus_tunnel_mtu_bytes 1440.0", "corvus_tunnel_peer_packets{direction=\"in\"",
                "corvus_tunnel_peer_handshake_age_seconds{peer=\"" + tunnelEndpoint("edge-hangzhou") + "\"}");
    }

    @Test
    @Order(3)
    void eachGatewayRunsItsPoolsWireGuardDriverAndTheyInteroperate() {
        // the pools' drivers (TunnelLab.THREE_POOLS); the traffic between them went through the tests before this one
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(heartbeat(tunnelEndpoint("edge-hangzhou")).tunnel().driver()).isEqualTo("wireguard-go");
            assertThat(heartbeat(tunnelEndpoint("edge-shanghai")).tunnel().driver()).isEqualTo("java");
            assertThat(heartbeat(tunnelEndpoint("cloud")).tunnel().driver()).as("auto: the kernel's where it has WireGuard, else the agent's own")
                    .isIn("kernel", "java");
        });
    }

    @Test
    @Order(4)
    void aPodsSourceAddressSurvivesTheCnisMasqueradeBetweenPools() throws Exception {
        NamespaceLab.Node edge = memberOf("edge-hangzhou");
        NamespaceLab.Node cloud = memberOf("cloud");
        // what a CNI does for pods talking to the world; Corvus must keep it off pod-to-pod traffic between pools
        lab.lab().in(edge, "nft", "add table ip cni");
        lab.lab().in(edge, "nft", "add chain ip cni postrouting { type nat hook postrouting priority srcnat ; policy accept ; }");
        lab.lab().in(edge, "nft", "add rule ip cni postrouting ip saddr 10.244.0.0/16 oifname != \"pods\" masquerade");
        try (Background listener = Background.inPod(cloud, "socat", "-T5", "TCP-LISTEN:9000,reuseaddr", "SYSTEM:echo $SOCAT_PEERADDR")) {
            String seen = await().atMost(Duration.ofSeconds(20)).until(
                    () -> lab.lab().inPod(edge, "socat", "-T5", "-", "TCP:" + cloud.podAddress() + ":9000").strip(), s -> !s.isEmpty());
            assertThat(seen).as("the address the cloud pod sees").isEqualTo(edge.podAddress());
        } finally {
            lab.lab().in(edge, "nft", "delete table ip cni");
        }
    }

    @Test
    @Order(5)
    void fullSizePacketsWithDontFragmentCrossAndLargerOnesAreRefusedAtTheSenderNotLost() throws Exception {
        NamespaceLab.Node edge = memberOf("edge-hangzhou");
        NamespaceLab.Node cloud = memberOf("cloud");
        int mtu = heartbeat(tunnelEndpoint("edge-hangzhou")).tunnel().mtu();
        assertThat(mtu).as("a 1500-byte underlay less WireGuard's 60 bytes").isEqualTo(1440);

        assertThat(lab.lab().inPod(edge, "ping", "-n", "-c", "2", "-W", "2", "-M", "do", "-s", String.valueOf(mtu - 28), cloud.podAddress()))
                .contains("2 received");
        assertThat(lab.lab().exitCodeInPod(edge, "ping", "-n", "-c", "2", "-W", "2", "-M", "do", "-s", String.valueOf(mtu - 27),
                cloud.podAddress())).as("one byte more than the tunnel takes").isNotZero();
        // a bulk TCP transfer: full-size segments with DF set, as TCP sends them (MSS clamped to the tunnel)
        Path received = runFolder.resolve("received.bin");
        try (Background sink = Background.inPod(cloud, "socat", "-u", "TCP-LISTEN:9001,reuseaddr", "CREATE:" + received)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> lab.lab().exitCodeInPod(edge, "bash", "-c",
                    "head -c 8388608 /dev/zero | socat -u - TCP:" + cloud.podAddress() + ":9001") == 0);
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(received)
                    && Files.size(received) == 8_388_608);
        }
    }

    @Test
    @Order(6)
    void corvusBenchmarkTunnelMeasuresTheWayBetweenPodsOfTwoPoolsThroughTheTunnel() throws Exception {
        NamespaceLab.Node edge = memberOf("edge-hangzhou");
        NamespaceLab.Node cloud = memberOf("cloud");
        String hub = tunnelEndpoint("cloud");
        String edgeGateway = tunnelEndpoint("edge-hangzhou");
        long receivedBefore = receivedBy(hub, edgeGateway);
        Path serverLog = runFolder.resolve("benchmark-serve.log");
        Process server = new ProcessBuilder(inPod(cloud, corvus("benchmark", "tunnel", "--serve", "--listen", cloud.podAddress())))
                .redirectErrorStream(true).redirectOutput(serverLog.toFile()).start();
        try {
            await("corvus benchmark tunnel --serve in " + cloud.podNamespace() + " (its output: " + serverLog + ")")
                    .atMost(Duration.ofSeconds(120)).until(() -> lab.lab().exitCodeInPod(edge, "bash", "-c",
                            "exec 3<>/dev/tcp/" + cloud.podAddress() + "/" + PodTraffic.DEFAULT_PORT) == 0);
            Path out = runFolder.resolve("benchmark-out.json");
            Process client = new ProcessBuilder(inPod(edge, corvus("benchmark", "tunnel", "--to", cloud.podAddress(), "--seconds", "1",
                    "--requests", "200", "--connections", "50", "-o", "json"))).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            assertThat(client.waitFor(180, TimeUnit.SECONDS)).as("the benchmark ended").isTrue();
            assertThat(client.exitValue()).as(Files.readString(out)).isZero();

            JsonNode result = Json.mapper().readTree(out.toFile());
            System.out.println("corvus benchmark tunnel from a pod of edge-hangzhou to a pod of cloud: " + result);
            assertThat(result.path("to").asText()).isEqualTo(cloud.podAddress() + ":" + PodTraffic.DEFAULT_PORT);
            assertThat(result.path("oneStreamMbitPerSecond").asDouble()).isPositive();
            assertThat(result.path("streamsMbitPerSecond").asDouble()).isPositive();
            assertThat(result.path("requestP50Ms").asDouble()).isPositive();
            assertThat(result.path("newConnectionsPerSecond").asDouble()).isPositive();
            long sent = result.path("oneStreamBytes").asLong() + result.path("streamsBytes").asLong();
            // the hub's WireGuard peer counters: the bytes went through the tunnel, with its overhead on top
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(receivedBy(hub, edgeGateway) - receivedBefore).isGreaterThanOrEqualTo(sent));
        } finally {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
    }

    @Test
    @Order(7)
    void trafficToAddressesOutsideThePodCidrsIsNotDrawnIntoTheTunnel() throws Exception {
        NamespaceLab.Node edge = memberOf("edge-hangzhou");
        NamespaceLab.Node cloud = memberOf("cloud");

        assertThat(lab.lab().in(edge, "ip", "route", "get", cloud.address())).contains("dev eth0");
        assertThat(lab.lab().in(edge, "ip", "route", "get", lab.lab().hostAddress())).contains("dev eth0");
        assertThat(lab.lab().in(edge, "ip", "route", "get", cloud.podAddress())).contains("dev corvus-vx");
    }

    @Test
    @Order(8)
    void aNodeWithoutTheClustersKeysCannotInjectPackets() throws Exception {
        NamespaceLab.Node rogue = lab.lab().add("rogue", "10.244.99.0/24");
        NamespaceLab.Node cloud = memberOf("cloud");
        NamespaceLab.Node edgeGateway = lab.node(tunnelEndpoint("edge-hangzhou"));
        NamespaceLab.Node hub = lab.node(tunnelEndpoint("cloud"));
        String route = cloud.podCidr();

        // VXLAN with Corvus's id towards the edge gateway, as a member would send it: dropped and counted
        lab.lab().in(rogue, "ip", "link", "add", "vx", "type", "vxlan", "id", "1028", "dstport", "8472", "remote", edgeGateway.address(),
                "dev", "eth0");
        lab.lab().in(rogue, "ip", "addr", "add", "10.244.99.0/32", "dev", "vx");
        lab.lab().in(rogue, "ip", "link", "set", "vx", "up");
        lab.lab().in(rogue, "ip", "route", "add", route, "dev", "vx");
        assertThat(lab.lab().exitCodeInPod(rogue, "ping", "-n", "-c", "3", "-i", "0.2", "-W", "1", cloud.podAddress())).isNotZero();
        assertThat(lab.lab().in(edgeGateway, "nft", "list", "chain", "inet", "corvus", "vxlan-sources"))
                .as("the gateway's VXLAN filter counted the rogue's packets").containsPattern("counter packets [1-9]");
        lab.lab().in(rogue, "ip", "link", "del", "vx");

        // WireGuard with a key of its own: the hub does not know it, so no handshake, no packet
        String hubKey = heartbeat(hub.name()).tunnelPublicKey();
        try (Background wireguard = Background.inNode(rogue, "setpriv", "--pdeathsig", "KILL", "--", "wireguard-go", "-f", lab.lab().id() + "rg")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(Path.of("/var/run/wireguard/" + lab.lab().id()
                    + "rg.sock")));
            Path key = runFolder.resolve("rogue.key");
            Files.writeString(key, lab.lab().in(rogue, "wg", "genkey"));
            lab.lab().in(rogue, "wg", "set", lab.lab().id() + "rg", "private-key", key.toString(), "peer", hubKey, "endpoint",
                    hub.address() + ":4500", "allowed-ips", "10.244.0.0/16", "persistent-keepalive", "1");
            lab.lab().in(rogue, "ip", "link", "set", lab.lab().id() + "rg", "up");
            lab.lab().in(rogue, "ip", "route", "add", route, "dev", lab.lab().id() + "rg");
            assertThat(lab.lab().exitCodeInPod(rogue, "ping", "-n", "-c", "3", "-i", "0.5", "-W", "1", cloud.podAddress())).isNotZero();
            assertThat(lab.lab().in(rogue, "wg", "show", lab.lab().id() + "rg", "latest-handshakes")).as("no handshake").endsWith("\t0\n");
        }
    }

    @Test
    @Order(9)
    void aKilledGatewayIsReportedByTheHubAtOnceAndItsPoolReachesTheOthersAgainThroughItsNewGateway() throws Exception {
        String killed = tunnelEndpoint("edge-hangzhou");
        NamespaceLab.Node survivor = memberOf("edge-hangzhou");
        NamespaceLab.Node cloud = memberOf("cloud");
        awaitReachable(survivor, cloud, Duration.ofSeconds(30));
        String hub = tunnelEndpoint("cloud");
        await().atMost(Duration.ofSeconds(60)).until(() -> heartbeat(hub).holdsTunnelPresenceWith(killed));

        long start = System.nanoTime();
        stack.kill("agent-" + killed);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                lab.lab().exitCodeInPod(survivor, "ping", "-n", "-c", "1", "-W", "1", cloud.podAddress()) == 0
                        && survivor.name().equals(tunnelEndpoint("edge-hangzhou")));
        Duration failover = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("tunnel failover after SIGKILL: " + failover.toMillis() + " ms");
        // generous against a busy machine; the benchmark measures it (bench/tunnel.sh)
        assertThat(failover).isLessThan(HEARTBEAT_WINDOW.plusSeconds(12));
        // the hub's presence connection with the killed gateway closed with its process: the hub said so at once
        GatewayTopology.EndpointChange removal = watcher.seen().stream()
                .filter(e -> e instanceof GatewayTopology t && t.clusterId().equals(CLUSTER) && t.gatewayName().equals("edge-hangzhou"))
                .flatMap(e -> ((GatewayTopology) e).changes().stream())
                .filter(change -> change.nodeName().equals(killed) && !change.added() && change.type() == GatewayTopology.EndpointType.TUNNEL)
                .reduce((a, b) -> b).orElseThrow();
        assertThat(removal.cause()).as(removal.detail()).isEqualTo(GatewayTopology.Cause.LINK_LOST);
        assertThat(removal.detail()).startsWith(hub + " saw its connection with it close");
    }

    @Test
    @Order(10)
    void aGatewayRestartedAfterSigkillHoldsExactlyTheObjectsOfAMember() throws Exception {
        NamespaceLab.Node restarted = lab.pool("edge-hangzhou").stream()
                .filter(node -> !node.name().equals(tunnelEndpoint("edge-hangzhou"))).findFirst().orElseThrow();
        assertThat(objects(restarted)).as("what the killed gateway left").anyMatch(o -> o.startsWith("link corvus-vx"));

        stack.restart("agent-" + restarted.name());

        String gatewayAddress = lab.node(tunnelEndpoint("edge-hangzhou")).podCidr().replace("/24", "");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(objects(restarted)).containsExactlyInAnyOrder(
                "link corvus-vx", "rule 1028", "nft inet corvus",
                "route " + lab.pool("cloud").get(0).podCidr() + " via " + gatewayAddress,
                "route " + lab.pool("cloud").get(1).podCidr() + " via " + gatewayAddress,
                "route " + lab.pool("edge-shanghai").get(0).podCidr() + " via " + gatewayAddress,
                "route " + lab.pool("edge-shanghai").get(1).podCidr() + " via " + gatewayAddress));
        awaitReachable(restarted, memberOf("cloud"), Duration.ofSeconds(30));
    }

    @Test
    @Order(11)
    void disablingTunnelModeLeavesNoCorvusObjectOnAnyNode() throws Exception {
        ConfigApi.Reply current = api.get(CLUSTER);
        ConfigApi.Reply off = api.patch(CLUSTER, "{\"tunnel\": {\"enabled\": false}}", current.etag());
        assertThat(off.status()).as(off.body().toString()).isEqualTo(200);

        for (String node : lab.inventory().nodeNames()) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(objects(lab.node(node))).as(node).isEmpty());
        }
    }

    @Test
    @Order(12)
    void anAgentStoppedCleanlyTakesItsObjectsAway() throws Exception {
        ConfigApi.Reply current = api.get(CLUSTER);
        assertThat(api.patch(CLUSTER, "{\"tunnel\": {\"enabled\": true}}", current.etag()).status()).isEqualTo(200);
        NamespaceLab.Node member = memberOf("edge-shanghai");
        awaitReachable(member, memberOf("cloud"), Duration.ofSeconds(90));
        assertThat(objects(member)).isNotEmpty();

        stack.stop("agent-" + member.name());

        assertThat(objects(member)).isEmpty();
    }

    /**
     * The Corvus objects in a node's namespace, one line each: its links (VXLAN, and WireGuard by
     * the lab's name), the routes of table 1028, the rules into it, its nftables table.
     */
    private static List<String> objects(NamespaceLab.Node node) throws Exception {
        List<String> objects = new ArrayList<>();
        String links = lab.lab().in(node, "ip", "-o", "link", "show");
        String wireguard = lab.wireguardInterface(node.name());
        links.lines().map(line -> line.split(": ")[1].split("@")[0]).filter(name -> name.equals("corvus-vx") || name.equals(wireguard))
                .forEach(name -> objects.add("link " + name));
        lab.lab().in(node, "ip", "route", "show", "table", "1028").lines().filter(line -> !line.isBlank())
                .forEach(line -> objects.add("route " + line.replaceAll(" dev .*", "")));
        lab.lab().in(node, "ip", "rule", "show").lines().filter(line -> line.contains("lookup 1028")).forEach(line -> objects.add("rule 1028"));
        lab.lab().in(node, "nft", "list", "tables").lines().filter(line -> line.contains("inet corvus"))
                .forEach(line -> objects.add("nft inet corvus"));
        return objects;
    }

    /** The node of the pool that its topology does not name as tunnel endpoint. */
    private static NamespaceLab.Node memberOf(String pool) {
        String gateway = tunnelEndpoint(pool);
        return lab.pool(pool).stream().filter(node -> !node.name().equals(gateway)).findFirst().orElseThrow();
    }

    private static String tunnelEndpoint(String pool) {
        await().atMost(Duration.ofSeconds(120)).until(() -> newest(pool) != null && newest(pool).endpoints().stream()
                .anyMatch(e -> e.type() == GatewayTopology.EndpointType.TUNNEL));
        return newest(pool).endpoints().stream().filter(e -> e.type() == GatewayTopology.EndpointType.TUNNEL).findFirst().orElseThrow()
                .nodeName();
    }

    private static GatewayTopology newest(String pool) {
        List<CorvusEvent> seen = watcher.seen();
        return seen.stream().filter(e -> e instanceof GatewayTopology t && t.clusterId().equals(CLUSTER) && t.gatewayName().equals(pool))
                .map(e -> (GatewayTopology) e).reduce((a, b) -> b).orElse(null);
    }

    private static void awaitReachable(NamespaceLab.Node from, NamespaceLab.Node to, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() ->
                lab.lab().exitCodeInPod(from, "ping", "-n", "-c", "1", "-W", "1", to.podAddress()) == 0);
    }

    /** What the hub's heartbeat says it received from {@code peer} through the tunnel, in bytes. */
    private static long receivedBy(String hub, String peer) {
        return heartbeat(hub).tunnel().peers().stream().filter(p -> p.nodeName().equals(peer)).findFirst()
                .map(AgentHeartbeat.TunnelPeer::rxBytes).orElse(0L);
    }

    /** {@code corvus ARGS} as a command line, in a JVM of its own like the script runs it. */
    private static List<String> corvus(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CorvusCommand.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static List<String> inPod(NamespaceLab.Node node, List<String> command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", node.podNamespace()));
        all.addAll(command);
        return all;
    }

    /** The newest heartbeat of the node that reports its tunnel. */
    static AgentHeartbeat heartbeat(String node) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> watcher.seen().stream()
                .filter(e -> e instanceof AgentHeartbeat h && h.nodeName().equals(node) && h.tunnel() != null)
                .map(e -> (AgentHeartbeat) e).reduce((a, b) -> b).orElse(null), Objects::nonNull);
    }

    /** A process in a pod, stopped (with all it started) when the test is done with it. */
    private record Background(Process process) implements AutoCloseable {

        static Background inPod(NamespaceLab.Node node, String... command) throws IOException {
            return in(node.podNamespace(), command);
        }

        static Background inNode(NamespaceLab.Node node, String... command) throws IOException {
            return in(node.namespace(), command);
        }

        private static Background in(String namespace, String... command) throws IOException {
            List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
            all.addAll(List.of(command));
            return new Background(new ProcessBuilder(all).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
