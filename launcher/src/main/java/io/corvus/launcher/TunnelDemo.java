package io.corvus.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CorvusEvent;
import io.corvus.events.payload.GatewayTopology;

/**
 * The tunnel-mode half of {@code ./corvus demo}: a cluster of network-namespace nodes (a cloud pool
 * and two edge pools of two nodes, pods behind veth pairs), its own stack, tunnel mode switched on
 * through config-service's API; a request from a pod of an edge pool to a pod of the cloud pool
 * (VXLAN to the edge gateway, WireGuard to the cloud gateway, VXLAN to the cloud node); the edge
 * gateway's agent killed; the request again through the gateway the elector chose instead.
 */
final class TunnelDemo {

    static final String CLUSTER = "demo-tunnel";
    static final String CONFIG = """
            {"proxy": {"enabled": false}, "tunnel": {"enabled": true, "flatNetwork": true}}""";
    private static final String EDGE_POOL = "edge-hangzhou";

    private final Layout layout;
    private final PrintStream out;
    private final Duration timeout;

    TunnelDemo(Layout layout, PrintStream out, Duration timeout) {
        this.layout = layout;
        this.out = out;
        this.timeout = timeout;
    }

    /** Why this machine cannot show tunnel mode, or empty when it can. */
    static Optional<String> unavailable() {
        return "root".equals(System.getProperty("user.name")) ? Optional.empty()
                : Optional.of("tunnel mode needs network namespaces, VXLAN and WireGuard links: run ./corvus demo as root to see it");
    }

    boolean run(Path runFolder) throws Exception {
        out.println("== tunnel mode: nodes in network namespaces on a bridge, pods behind veth pairs (" + runFolder + ")");
        try (TunnelLab lab = TunnelLab.create(layout.home(), runFolder, CLUSTER, TunnelLab.THREE_POOLS);
                LocalStack stack = new LocalStack(layout, runFolder, out)) {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
                stack.close();
                lab.close();
            }));
            stack.start(LocalStack.Ports.free(), lab.inventory(), Set.of(), lab);
            lab.lab().nodes().forEach(node -> out.printf("   %-18s underlay %-13s pods %s%n", node.name(), node.address(), node.podCidr()));
            ConfigApi api = new ConfigApi(stack.address("config-service"), stack.tokens().admin());
            out.println("== PUT /api/v1/clusters/" + CLUSTER + "/network-config " + CONFIG.strip());
            ConfigApi.Reply put = api.put(CLUSTER, CONFIG, null);
            out.println("   -> " + put.status() + ", revision " + put.body().get("revision"));
            if (put.status() != 201) {
                System.err.println("DEMO FAILED: tunnel mode was not accepted: " + put.body());
                return false;
            }
            try (EventWatcher watcher = EventWatcher.fromBeginning(stack.connection(), out).start();
                    PodServer server = PodServer.start(lab, member(lab, watcher, "cloud"))) {
                NamespaceLab.Node client = member(lab, watcher, EDGE_POOL);
                String gateway = tunnelEndpoint(watcher, EDGE_POOL);
                if (!request(lab, client, server, "through edge gateway " + gateway + " and cloud gateway " + tunnelEndpoint(watcher, "cloud"))) {
                    return false;
                }
                String hub = tunnelEndpoint(watcher, "cloud");
                if (!Expectation.awaitAll(List.of(presenceHeld(hub, gateway)), watcher, timeout).isEmpty()) {
                    System.err.println("DEMO FAILED: the hub " + hub + " holds no presence connection with " + gateway + " within "
                            + timeout.toSeconds() + " s");
                    return false;
                }
                out.println("== " + hub + " holds a presence connection with " + gateway + ": its close tells the elector at once");
                out.println("== killing the agent of " + gateway + " (SIGKILL), the tunnel endpoint of " + EDGE_POOL);
                Instant killed = Instant.now();
                stack.kill("agent-" + gateway);
                Optional<String> successor = awaitNewEndpoint(watcher, gateway);
                if (successor.isEmpty()) {
                    System.err.println("DEMO FAILED: no new tunnel endpoint of " + EDGE_POOL + " within " + timeout.toSeconds() + " s");
                    return false;
                }
                out.println("== the elector chose " + successor.get() + " " + Duration.between(killed, Instant.now()).toMillis() + " ms later");
                if (!request(lab, client, server, "through the new edge gateway " + successor.get())) {
                    return false;
                }
                out.println("== traffic flowed again " + Duration.between(killed, Instant.now()).toMillis() + " ms after the kill");
            }
        }
        return true;
    }

    /** A request from a pod of {@code from} to the pod server, repeated until it is answered (or the timeout). */
    private boolean request(TunnelLab lab, NamespaceLab.Node from, PodServer server, String path) throws Exception {
        out.println("== GET http://" + server.address() + ":" + PodServer.PORT + "/ from pod " + from.podAddress() + " (" + from.name()
                + "), " + path);
        Instant deadline = Instant.now().plus(timeout);
        String answer = "";
        while (Instant.now().isBefore(deadline)) {
            try {
                // a SYN lost before the new path is up would be sent again only after 1 s, then 3 s: dial afresh instead
                answer = lab.lab().inPod(from, "socat", "-T3", "-", "TCP:" + server.address() + ":" + PodServer.PORT
                        + ",connect-timeout=0.5").strip();
                if (!answer.isEmpty()) {
                    break;
                }
            } catch (IOException notYet) {
                // the tunnel is not there yet
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        if (answer.isEmpty()) {
            System.err.println("DEMO FAILED: no answer from the pod at " + server.address() + " within " + timeout.toSeconds() + " s");
            return false;
        }
        answer.lines().forEach(line -> out.println("   -> " + line));
        return true;
    }

    private NamespaceLab.Node member(TunnelLab lab, EventWatcher watcher, String pool) throws InterruptedException {
        String gateway = tunnelEndpoint(watcher, pool);
        return lab.pool(pool).stream().filter(node -> !node.name().equals(gateway)).findFirst().orElseThrow();
    }

    private String tunnelEndpoint(EventWatcher watcher, String pool) throws InterruptedException {
        Expectation elected = Expectation.event("a tunnel endpoint of pool " + pool, event -> endpointOf(event, pool).isPresent());
        if (!Expectation.awaitAll(List.of(elected), watcher, timeout).isEmpty()) {
            throw new IllegalStateException("no tunnel endpoint of pool " + pool + " within " + timeout.toSeconds() + " s");
        }
        return watcher.seen().stream().map(event -> endpointOf(event, pool)).flatMap(Optional::stream).reduce((a, b) -> b).orElseThrow();
    }

    /** The hub's heartbeat says it holds a presence connection with the gateway. */
    private static Expectation presenceHeld(String hub, String gateway) {
        return Expectation.event(hub + " holding a presence connection with " + gateway, event -> event instanceof AgentHeartbeat h
                && h.nodeName().equals(hub) && h.holdsTunnelPresenceWith(gateway));
    }

    private Optional<String> awaitNewEndpoint(EventWatcher watcher, String gone) throws InterruptedException {
        Expectation moved = Expectation.event("a new tunnel endpoint of " + EDGE_POOL, event -> endpointOf(event, EDGE_POOL)
                .filter(node -> !node.equals(gone)).isPresent());
        return Expectation.awaitAll(List.of(moved), watcher, timeout).isEmpty() ? Optional.of(tunnelEndpoint(watcher, EDGE_POOL))
                : Optional.empty();
    }

    private static Optional<String> endpointOf(CorvusEvent event, String pool) {
        return event instanceof GatewayTopology t && t.clusterId().equals(CLUSTER) && t.gatewayName().equals(pool)
                ? t.endpoints().stream().filter(e -> e.type() == GatewayTopology.EndpointType.TUNNEL).map(GatewayTopology.Endpoint::nodeName)
                        .findFirst()
                : Optional.empty();
    }

    /** A pod that answers each connection with who it is and whom it sees: socat in the pod's namespace. */
    private record PodServer(Process process, String address) implements AutoCloseable {

        static final int PORT = 8080;

        static PodServer start(TunnelLab lab, NamespaceLab.Node node) throws IOException {
            Process process = new ProcessBuilder("ip", "netns", "exec", node.podNamespace(), "socat", "TCP-LISTEN:" + PORT + ",fork,reuseaddr",
                    "SYSTEM:echo pod " + node.podAddress() + " on " + node.name() + " answers the request of $SOCAT_PEERADDR")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return new PodServer(process, node.podAddress());
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
