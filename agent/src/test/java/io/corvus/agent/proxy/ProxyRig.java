package io.corvus.agent.proxy;

import static io.corvus.agent.topology.Topologies.cloud;
import static io.corvus.agent.topology.Topologies.edge;
import static io.corvus.agent.topology.Topologies.member;
import static io.corvus.agent.topology.Topologies.proxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.corvus.agent.proxy.SendBudget;
import io.corvus.agent.proxy.TlsFiles;
import io.corvus.agent.proxy.netty.ProxyRuntime;
import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.corvus.agent.topology.ClusterView;
import io.corvus.events.Backoff;
import io.corvus.pki.ClusterCa;
import io.corvus.pki.NodeCredentials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A cluster's proxy on loopback: its CA, node certificates, and one {@link ProxyRuntime} per agent,
 * every listener on a free port. Edge nodes live at 127.0.0.x addresses (all loopback on Linux).
 */
final class ProxyRig implements AutoCloseable {

    static final String CLUSTER = "c1";

    final Path folder;
    final ClusterCa ca = ClusterCa.create(CLUSTER, Duration.ofDays(1));
    private final List<AutoCloseable> closing = new ArrayList<>();

    ProxyRig() throws IOException {
        folder = Files.createTempDirectory("corvus-proxy-rig");
    }

    TlsFiles tls(String node) throws IOException {
        return tls(ca, node);
    }

    TlsFiles tls(ClusterCa issuer, String node) throws IOException {
        NodeCredentials.PemFiles files = issuer.issue(node, List.of("127.0.0.1"), Duration.ofDays(1))
                .writeTo(folder.resolve(issuer == ca ? "ours" : "theirs"));
        return new TlsFiles(files.certificate(), files.key(), files.ca());
    }

    /** An agent for the node, its servers on free ports (or these ports), allowed to dial these target ports. */
    Agent agent(String node, Set<Integer> allowedPorts) throws IOException {
        return agent(node, allowedPorts, tls(node), 0);
    }

    Agent agent(String node, Set<Integer> allowedPorts, TlsFiles tls, int linkPort) {
        return agent(node, allowedPorts, tls, linkPort, Duration.ofMinutes(5));
    }

    /** As above, the relayed sockets cut after {@code stallTimeout} without taking a byte that waits for them. */
    Agent agent(String node, Set<Integer> allowedPorts, TlsFiles tls, int linkPort, Duration stallTimeout) {
        return agent(node, allowedPorts, tls, linkPort, stallTimeout, new SendBudget(16 << 20));
    }

    /** An agent whose relays stop reading once they hold {@code sendMark} to send together. */
    Agent agent(String node, Set<Integer> allowedPorts, long sendMark) throws IOException {
        return agent(node, allowedPorts, tls(node), 0, Duration.ofMinutes(5), new SendBudget(sendMark));
    }

    private Agent agent(String node, Set<Integer> allowedPorts, TlsFiles tls, int linkPort, Duration stallTimeout, SendBudget sends) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ProxyStats stats = new ProxyStats(registry);
        ProxyRuntime runtime = new ProxyRuntime(new ProxySettings(node, "127.0.0.1", linkPort, 0, 0, 0,
                Optional.of(tls), allowedPorts, DialMode.ENDPOINTS, Duration.ofMillis(200), Duration.ofMillis(600),
                Duration.ofSeconds(2), stallTimeout, sends, new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)), 2), stats, CLUSTER);
        Agent agent = new Agent(node, runtime, stats);
        closing.add(runtime);
        return agent;
    }

    <T extends AutoCloseable> T closeLater(T resource) {
        closing.add(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    /** The cluster as the agents see it, at a generation, naming the cloud gateway's link port (0 before it serves). */
    @FunctionalInterface
    interface ViewAt {
        ClusterView at(long generation, int cloudLinkPort);
    }

    /**
     * Brings a cloud gateway and its edge gateways up: the cloud starts serving on a free port, then
     * all learn that port from the next generation, and the test waits until every link is up.
     */
    static void bringUp(Agent cloud, ViewAt view, List<Agent> edges) {
        cloud.apply(view.at(1, 0));
        ClusterView serving = view.at(2, cloud.linkPort());
        cloud.apply(serving);
        edges.forEach(edge -> edge.apply(serving));
        edges.forEach(edge -> awaitLinks(edge, cloud));
    }

    /** The cluster of a cloud gateway cloud-1 and an edge gateway edge-1 at 127.0.0.1, at a generation. */
    static ClusterView cloudAndOneEdge(long generation, int cloudPort) {
        return ClusterView.empty(CLUSTER)
                .with(cloud(CLUSTER, generation, List.of(), proxy("cloud-1", "127.0.0.1", cloudPort)))
                .with(edge(CLUSTER, "hangzhou", generation, 1, member("edge-1", "127.0.0.1")));
    }

    /**
     * Waits until the links are up at both ends: the cloud registers an edge for its front doors
     * just after sending the SETTINGS that tell the edge its link is up.
     */
    static void awaitLinks(Agent edge, Agent... clouds) {
        List<String> cloudNodes = Arrays.stream(clouds).map(Agent::node).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> edge.runtime().status().peers().equals(cloudNodes)
                && Arrays.stream(clouds).allMatch(cloud -> cloud.runtime().status().peers().contains(edge.node())));
    }

    /** Waits until none of the agents has a stream open: every stream, its buffers and its socket are gone. */
    static void awaitNoOpenStreams(Agent... agents) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (Agent agent : agents) {
                assertThat(agent.stats().openStreams()).as("streams open at " + agent.node()).isZero();
            }
        });
    }

    /** One agent of the rig. */
    record Agent(String node, ProxyRuntime runtime, ProxyStats stats) {

        void apply(ClusterView view) {
            runtime.apply(view);
        }

        int linkPort() {
            return runtime.ports()[0];
        }

        int httpsPort() {
            return runtime.ports()[1];
        }

        int httpPort() {
            return runtime.ports()[2];
        }
    }
}
