package io.corvus.agent.proxy;

import static io.corvus.agent.topology.Topologies.cloud;
import static io.corvus.agent.topology.Topologies.edge;
import static io.corvus.agent.topology.Topologies.member;
import static io.corvus.agent.topology.Topologies.proxy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.corvus.agent.AgentPki;
import io.corvus.agent.proxy.SendBudget;
import io.corvus.agent.proxy.netty.ProxyRuntime;
import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.corvus.agent.topology.ClusterView;
import io.corvus.events.Backoff;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The edge gateway {@code edge-1} of pool "hangzhou", run in the test's JVM, dialing the agent
 * under test (node {@code test-node}) with a certificate from the same {@link AgentPki}.
 */
final class EdgeGatewayInTest {

    private EdgeGatewayInTest() {
    }

    /** Starts dialing {@code linkPort}; it may reach only {@code kubeletPort} on its node. */
    static ProxyRuntime dialing(AgentPki pki, String cluster, int linkPort, int kubeletPort) throws IOException {
        ProxyRuntime edge = new ProxyRuntime(new ProxySettings("edge-1", "127.0.0.1", 0, 0, 0, 0,
                Optional.of(pki.issue("edge-1")), Set.of(kubeletPort), DialMode.ENDPOINTS,
                Duration.ofMillis(200), Duration.ofMillis(600), Duration.ofSeconds(2), Duration.ofMinutes(5), new SendBudget(16 << 20),
                new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)), 1), new ProxyStats(new SimpleMeterRegistry()), cluster);
        edge.apply(ClusterView.empty(cluster).with(cloud(cluster, 1, List.of(), proxy("test-node", "127.0.0.1", linkPort)))
                .with(edge(cluster, "hangzhou", 1, 1, member("edge-1", "127.0.0.1"))));
        return edge;
    }
}
