package io.corvus.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.CorvusEvent;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.ProvisioningStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ./corvus demo}: starts a fresh stack on free ports (one agent per node of the local
 * inventory), writes a sample configuration through config-service's API (and a bad one, to show
 * the refusal), prints each event that follows, waits for the gateway election and the edge
 * gateway's link, sends a request from the cloud side to a kubelet-like server behind the edge
 * pool through that link (and two that are refused), then stops the elected edge gateway's
 * agent, waits for the failover and sends the request again. Exits 1 when an expected event does
 * not arrive in time or a request is not answered as it should be.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Starts a fresh stack, configures a cluster, shows the election, a request through the proxy link, a failover; then tunnel mode in network namespaces (as root); then stops.")
final class DemoCommand implements Callable<Integer> {

    static final String STACK = "demo";
    static final String TUNNEL_STACK = "demo-tunnel";
    static final String EDGE_POOL = "edge-hangzhou";
    /** The seed's example: proxy on, tunnel off, a two-entry whitelist (config-service adds the CLB range). */
    static final String SAMPLE = """
            {"proxy": {"enabled": true}, "tunnel": {"enabled": false},
             "accessControlList": "203.0.113.0/24,198.51.100.7/32"}""";
    /** The sample's whitelist plus the local run's nodes, which all dial from 127.0.0.1. */
    static final String LOCAL_ACL = "203.0.113.0/24,198.51.100.7/32,100.64.0.0/10,127.0.0.0/8";
    static final String LOCAL_WHITELIST = "{\"accessControlList\": \"" + LOCAL_ACL + "\"}";
    /** Proxy mode with the local whitelist in one step: the benchmarks' configuration. */
    static final String LOCAL_PROXY_CONFIG = "{\"proxy\": {\"enabled\": true}, \"tunnel\": {\"enabled\": false}, \"accessControlList\": \""
            + LOCAL_ACL + "\"}";
    /** Host bits set, and a shorthand address: refused, and nothing is published. */
    static final String BAD = """
            {"accessControlList": "10.0.0.1/24,1.2.3/24"}""";

    @ParentCommand
    CorvusCommand corvus;

    @Option(names = "--timeout", description = "How long to wait for each expected event (default: ${DEFAULT-VALUE}).",
            defaultValue = "PT60S")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path runFolder = corvus.layout().freshRunFolder(STACK);
        LocalInventory inventory = LocalInventory.read(corvus.layout().inventory());
        try (LocalStack stack = new LocalStack(corvus.layout(), runFolder, out); DemoKubelet kubelet = DemoKubelet.start()) {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(stack::close));
            out.println("== starting a fresh stack (broker process, services, one agent per node of " + inventory.file() + ")");
            stack.start(LocalStack.Ports.free(), inventory, Set.of(kubelet.port()));
            UpCommand.printTable(out, stack, runFolder);

            ConfigApi api = new ConfigApi(stack.address("config-service"), stack.tokens().admin());
            if (!configure(api, inventory.clusterId(), out)) {
                return 1;
            }
            out.println("== events on the topics (from the beginning), as they arrive");
            try (EventWatcher watcher = EventWatcher.fromBeginning(stack.connection(), out).start()) {
                if (!arrived(expectations(inventory), watcher, runFolder)) {
                    return 1;
                }
                String clusterId = inventory.clusterId();
                String cloudGateway = electedGateway(watcher.seen(), clusterId, "cloud").orElseThrow();
                if (!whitelistTheLocalNodes(api, clusterId, runFolder.resolve("logs/agent-" + cloudGateway + ".log"), out)
                        || !arrived(List.of(linkUpToTheElected(clusterId)), watcher, runFolder)) {
                    return 1;
                }
                // whichever node the elector chose meanwhile (a busy machine delays heartbeats): the demo follows it
                String elected = electedEdgeGateway(watcher.seen(), clusterId).orElseThrow();
                if (!throughTheLink(stack.agentPorts(cloudGateway).http(), edgeNodes(watcher.seen(), clusterId), elected,
                        kubelet.port(), true, out)) {
                    return 1;
                }
                out.println("== killing the agent of " + elected + " (SIGKILL), the elected gateway of " + EDGE_POOL
                        + ": its link to the cloud closes, its heartbeats stop");
                Instant stopped = Instant.now();
                stack.kill("agent-" + elected);
                if (!arrived(List.of(failover(clusterId, elected)), watcher, runFolder)) {
                    return 1;
                }
                out.println("== failover: " + electedEdgeGateway(watcher.seen(), clusterId).orElseThrow() + " took over "
                        + Duration.between(stopped, Instant.now()).toMillis() + " ms after " + elected + " was killed");
                if (!arrived(List.of(linkUpToTheElected(clusterId)), watcher, runFolder)) {
                    return 1;
                }
                String successor = electedEdgeGateway(watcher.seen(), clusterId).orElseThrow();
                if (!throughTheLink(stack.agentPorts(cloudGateway).http(), List.of(successor), successor, kubelet.port(),
                                false, out)) {
                    return 1;
                }
                out.println("== traffic flowed again " + Duration.between(stopped, Instant.now()).toMillis() + " ms after the kill");
                out.println("== raven-cfg as the provisioner wrote it (" + runFolder.resolve("raven-cfg") + "):");
                Files.readAllLines(runFolder.resolve("raven-cfg/" + clusterId + "-raven-cfg.yaml"))
                        .forEach(line -> out.println("   " + line));
            }
            out.println("== every expected event arrived; stopping the stack");
        }
        Optional<String> whyNoTunnel = TunnelDemo.unavailable();
        if (whyNoTunnel.isPresent()) {
            out.println("== tunnel mode skipped: " + whyNoTunnel.get());
        } else if (!new TunnelDemo(corvus.layout(), out, timeout).run(corvus.layout().freshRunFolder(TUNNEL_STACK))) {
            return 1;
        }
        out.println("== demo finished");
        return 0;
    }

    /**
     * The sample whitelist does not hold the local run's address, so the cloud gateway refuses the
     * edge gateway's link: shown from its log, then the whitelist is extended through the API and
     * the agents apply it without a restart.
     */
    private boolean whitelistTheLocalNodes(ConfigApi api, String clusterId, Path cloudAgentLog, PrintStream out)
            throws IOException, InterruptedException {
        out.println("== the whitelist does not hold 127.0.0.1, where the local edge gateway dials from: the cloud gateway's agent"
                + " refuses its link before TLS");
        Optional<String> refusal = awaitLine(cloudAgentLog, "not in the whitelist");
        if (refusal.isEmpty()) {
            System.err.println("DEMO FAILED: the cloud gateway did not refuse the link within " + timeout.toSeconds() + " s; see "
                    + cloudAgentLog);
            return false;
        }
        out.println("   " + cloudAgentLog.getFileName() + ": " + refusal.get().substring(refusal.get().indexOf("refused")));
        out.println("== PATCH /api/v1/clusters/" + clusterId + "/network-config " + LOCAL_WHITELIST.strip() + " (If-Match \"1\")");
        ConfigApi.Reply patched = api.patch(clusterId, LOCAL_WHITELIST, "\"1\"");
        out.println("   -> " + patched.status() + ", revision " + patched.body().get("revision"));
        if (patched.status() != 200) {
            System.err.println("DEMO FAILED: the whitelist change was not accepted: " + patched.body());
            return false;
        }
        return true;
    }

    private Optional<String> awaitLine(Path log, String text) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(log)) {
                Optional<String> line = Files.readAllLines(log).stream().filter(l -> l.contains(text)).findFirst();
                if (line.isPresent()) {
                    return line;
                }
            }
            Thread.sleep(200);
        }
        return Optional.empty();
    }

    /**
     * From the cloud gateway's HTTP front door to the kubelet-like server of an edge node (another
     * node than the gateway, when there is one: the gateway reaches its pool), then two refusals.
     */
    static boolean throughTheLink(int door, List<String> edgeNodes, String gateway, int kubeletPort, boolean showRefusals,
            PrintStream out) throws IOException {
        String target = edgeNodes.stream().filter(node -> !node.equals(gateway)).findFirst().orElse(gateway);
        out.println("== GET /pods with Host: " + target + ":" + kubeletPort + " at the cloud gateway's HTTP door (127.0.0.1:" + door
                + "), through the link of edge gateway " + gateway);
        ProxyProbe reached = ProxyProbe.get(door, target + ":" + kubeletPort, "/pods");
        out.println("   -> " + reached.firstLine() + "  " + reached.body());
        if (reached.status() != 200) {
            System.err.println("DEMO FAILED: the request did not reach the server behind " + target + ": " + reached);
            return false;
        }
        if (!showRefusals) {
            return true;
        }
        out.println("== CONNECT 10.0.0.99:10250 (not a node of the cluster): never an open proxy");
        ProxyProbe notANode = ProxyProbe.connect(door, "10.0.0.99:10250");
        out.println("   -> " + notANode.firstLine() + "  " + notANode.body());
        out.println("== GET / with Host: " + target + ":22 (a node, but a port the edge may not dial)");
        ProxyProbe wrongPort = ProxyProbe.get(door, target + ":22", "/");
        out.println("   -> " + wrongPort.firstLine() + "  " + wrongPort.body());
        if (notANode.status() != 403 || wrongPort.status() != 403) {
            System.err.println("DEMO FAILED: expected both refused with 403, got " + notANode + " and " + wrongPort);
            return false;
        }
        return true;
    }

    private boolean arrived(List<Expectation> expectations, EventWatcher watcher, Path runFolder) throws InterruptedException {
        List<Expectation> unmet = Expectation.awaitAll(expectations, watcher, timeout);
        unmet.forEach(e -> System.err.println("DEMO FAILED: " + e.description() + " did not arrive within "
                + timeout.toSeconds() + " s; logs are in " + runFolder.resolve("logs")));
        return unmet.isEmpty();
    }

    /** The API part of the demo: one accepted PUT, one refused. */
    static boolean configure(ConfigApi api, String clusterId, PrintStream out) throws IOException, InterruptedException {
        out.println("== PUT /api/v1/clusters/" + clusterId + "/network-config " + SAMPLE.replaceAll("\\s+", " "));
        ConfigApi.Reply accepted = api.put(clusterId, SAMPLE, null);
        out.println("   -> " + accepted.status() + ", ETag " + accepted.etag() + ", revision " + accepted.body().get("revision"));
        accepted.warnings().forEach(w -> out.println("   warning: " + w));
        out.println("== PUT /api/v1/clusters/" + clusterId + "/network-config " + BAD.replaceAll("\\s+", " "));
        ConfigApi.Reply refused = api.put(clusterId, BAD, null);
        out.println("   -> " + refused.status() + " " + refused.body().get("title") + ": " + refused.body().get("detail"));
        refused.errors().forEach(e -> out.println("   " + e.get("pointer") + ": " + e.get("detail")));
        if (accepted.status() != 201 || refused.status() != 400) {
            System.err.println("DEMO FAILED: expected 201 for the sample and 400 for the bad input, got "
                    + accepted.status() + " and " + refused.status() + ": " + accepted.body() + " / " + refused.body());
            return false;
        }
        return true;
    }

    /** The configuration, every agent's heartbeat, and an elected proxy endpoint in every pool. */
    static List<Expectation> expectations(LocalInventory inventory) {
        String clusterId = inventory.clusterId();
        List<Expectation> expected = new ArrayList<>(List.of(
                Expectation.event("the configuration event (revision 1) of cluster " + clusterId,
                        event -> event instanceof ConfigChanged c && c.clusterId().equals(clusterId) && c.revision() == 1
                                && c.config().accessControlList().contains("100.64.0.0/10")),
                Expectation.event("an elected proxy endpoint in pool " + EDGE_POOL,
                        event -> isTopology(event, clusterId, EDGE_POOL) && !((GatewayTopology) event).endpoints().isEmpty()),
                Expectation.event("an elected proxy endpoint in pool cloud",
                        event -> isTopology(event, clusterId, "cloud") && !((GatewayTopology) event).endpoints().isEmpty()),
                Expectation.event("the cloud side of cluster " + clusterId + " provisioned (step ready)",
                        event -> event instanceof ProvisioningStep p && p.clusterId().equals(clusterId) && p.step() == ProvisioningStep.Step.READY),
                Expectation.event("the cloud entry (EIP) in the topology of pool " + EDGE_POOL,
                        event -> isTopology(event, clusterId, EDGE_POOL) && ((GatewayTopology) event).cloudExposure() != null)));
        inventory.nodeNames().forEach(node -> expected.add(Expectation.event("a heartbeat of agent " + node,
                event -> event instanceof AgentHeartbeat h && h.nodeName().equals(node))));
        return expected;
    }

    /** The newest topology of the edge pool has an endpoint, and not the failed node: older topologies do not count. */
    static Expectation failover(String clusterId, String failed) {
        return new Expectation("a new " + EDGE_POOL + " endpoint instead of " + failed,
                seen -> newest(seen, clusterId, EDGE_POOL).map(GatewayTopology::endpoints)
                        .filter(endpoints -> !endpoints.isEmpty() && endpoints.stream().noneMatch(e -> e.nodeName().equals(failed)))
                        .isPresent());
    }

    static Optional<String> electedEdgeGateway(List<CorvusEvent> seen, String clusterId) {
        return electedGateway(seen, clusterId, EDGE_POOL);
    }

    static Optional<String> electedGateway(List<CorvusEvent> seen, String clusterId, String pool) {
        return newest(seen, clusterId, pool).flatMap(t -> t.endpoints().stream().findFirst()).map(GatewayTopology.Endpoint::nodeName);
    }

    static List<String> edgeNodes(List<CorvusEvent> seen, String clusterId) {
        return newest(seen, clusterId, EDGE_POOL).map(t -> t.members().stream().map(GatewayTopology.Member::nodeName).toList())
                .orElse(List.of());
    }

    private static Optional<GatewayTopology> newest(List<CorvusEvent> seen, String clusterId, String pool) {
        return seen.stream().filter(e -> isTopology(e, clusterId, pool)).map(e -> (GatewayTopology) e).reduce((first, second) -> second);
    }

    /** Waits (2 min at most) for {@link #linkUpToTheElected}; says on {@code out} when it never came. */
    static boolean awaitLinkUp(EventWatcher watcher, String clusterId, PrintStream out) throws InterruptedException {
        List<Expectation> unmet = Expectation.awaitAll(List.of(linkUpToTheElected(clusterId)), watcher, Duration.ofSeconds(120));
        unmet.forEach(expectation -> out.println("# never came: " + expectation.description()));
        return unmet.isEmpty();
    }

    /**
     * The link between the gateways the elector has chosen by now: the newest heartbeat of the
     * elected cloud gateway names the elected edge gateway as a link peer. Both are read afresh at
     * each look, so a gateway the elector moves is followed, never assumed.
     */
    static Expectation linkUpToTheElected(String clusterId) {
        return new Expectation("the proxy link from the elected " + EDGE_POOL + " gateway to the elected cloud gateway", seen -> {
            Optional<String> edge = electedEdgeGateway(seen, clusterId);
            Optional<AgentHeartbeat> newest = electedGateway(seen, clusterId, "cloud").flatMap(cloud -> seen.stream()
                    .filter(e -> e instanceof AgentHeartbeat h && h.clusterId().equals(clusterId) && h.nodeName().equals(cloud))
                    .map(AgentHeartbeat.class::cast).reduce((first, second) -> second));
            return edge.isPresent() && newest.isPresent() && newest.get().linkedPeers().contains(edge.get());
        });
    }

    private static boolean isTopology(CorvusEvent event, String clusterId, String pool) {
        return event instanceof GatewayTopology t && t.clusterId().equals(clusterId) && t.gatewayName().equals(pool);
    }

    /** The configuration events a watcher saw: exactly one, since the bad input published nothing. */
    static List<Long> configRevisions(EventWatcher watcher) {
        return watcher.seen().stream().filter(ConfigChanged.class::isInstance).map(e -> ((ConfigChanged) e).revision())
                .collect(Collectors.toList());
    }
}
