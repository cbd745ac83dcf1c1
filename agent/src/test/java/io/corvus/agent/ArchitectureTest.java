package io.corvus.agent;

import java.util.List;

import io.corvus.testing.Layers;
import org.junit.jupiter.api.Test;

/**
 * The agent's tree: roles from topology (pure), then proxy and tunnel side by side, each with its
 * pure rules and its adapters; Kafka and health are adapters of their own; boot wires.
 */
class ArchitectureTest {

    private static final List<String> ADAPTERS = List.of("proxy.netty..", "tunnel.linux..", "kafka..", "health..", "kube..");

    @Test
    void topologyProxyAndTunnelRulesArePureAndTheAdaptersImportNoneOfEachOther() {
        Layers.of("io.corvus.agent")
                .pure(List.of("topology", "proxy", "tunnel"))
                .independentAdapters(ADAPTERS)
                .bootIsTheRoot()
                .noCycles()
                .check();
    }
}
