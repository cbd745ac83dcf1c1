package io.corvus.agent.proxy;

import static io.corvus.agent.topology.Topologies.cloud;
import static io.corvus.agent.topology.Topologies.edge;
import static io.corvus.agent.topology.Topologies.member;
import static io.corvus.agent.topology.Topologies.proxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.corvus.agent.Steady;
import io.corvus.agent.proxy.ProxyRig.Agent;
import io.corvus.agent.topology.ClusterView;
import org.junit.jupiter.api.Test;

/**
 * A cloud gateway serves every edge pool, one link each. Each link may hold up to 12 MiB its
 * streams have not read before it resets its biggest holders; over all links the agent holds at
 * most 24 MiB, the link holding the most giving way.
 */
class AgentWideReceiveBudgetIT {

    /**
     * An unread answer holds less than its stream's window (1 MiB) in the agent: part of the window
     * went on into the kernel's buffers for the reader's socket, and Netty gives a stream's window
     * back only once half of it was taken. Twelve per pool are meant to stay near a link's 12 MiB
     * and six pools to pass the agent's 24 MiB, but whether a reset happens depends on how much the
     * kernels took (one run stopped at 19.7 MiB with nothing moving), so the test checks the bound
     * and the flow, not that a reset happened.
     */
    private static final int POOLS = 6;
    private static final int STALLED_PER_POOL = 12;

    @Test
    void answersNobodyReadsFromSixPoolsHoldNoMoreThanTheAgentsBudgetAndOthersKeepFlowing() throws Exception {
        try (ProxyRig rig = new ProxyRig()) {
            List<KubeletLike> kubelets = new ArrayList<>();
            for (int pool = 1; pool <= POOLS; pool++) {
                kubelets.add(rig.closeLater(new KubeletLike("edge-" + pool, "127.0.0." + pool)));
            }
            Agent cloud = rig.agent("cloud-1", Set.of());
            List<Agent> edges = new ArrayList<>();
            for (int pool = 1; pool <= POOLS; pool++) {
                edges.add(rig.agent("edge-" + pool, Set.of(kubelets.get(pool - 1).port())));
            }
            ProxyRig.bringUp(cloud, AgentWideReceiveBudgetIT::view, edges);

            List<RawHttp> readers = new ArrayList<>();
            try {
                for (int pool = 1; pool <= POOLS; pool++) {
                    for (int i = 0; i < STALLED_PER_POOL; i++) {
                        RawHttp reader = RawHttp.to(cloud.httpPort(), 4096); // never reads: its kernel soaks up little
                        readers.add(reader);
                        reader.send("GET /stream HTTP/1.1\r\nHost: edge-" + pool + ":" + kubelets.get(pool - 1).port() + "\r\n\r\n");
                    }
                }
                // every answer stalled: nothing streamed for 2 s (a pause of this machine alone is shorter)
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2))
                        .until(Steady.within(0, () -> kubelets.stream().mapToLong(k -> k.streamed.get()).sum()));

                assertThat(cloud.stats().heldReceived()).as("bytes the cloud gateway holds received").isLessThanOrEqualTo(25 << 20);
                for (int pool = 1; pool <= POOLS; pool++) {
                    try (RawHttp client = RawHttp.to(cloud.httpPort())) {
                        client.send("GET /pods HTTP/1.1\r\nHost: edge-" + pool + ":" + kubelets.get(pool - 1).port() + "\r\n\r\n");
                        assertThat(client.rest()).as("a reading client beside the stalled ones").contains("\"node\":\"edge-" + pool + "\"");
                    }
                }
            } finally {
                for (RawHttp reader : readers) {
                    reader.hangUpWithReset();
                }
            }
            ProxyRig.awaitNoOpenStreams(cloud);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cloud.stats().heldReceived())
                    .as("held once the readers hung up (reported at the links' next reads)").isZero());
        }
    }

    private static ClusterView view(long generation, int cloudPort) {
        ClusterView view = ClusterView.empty(ProxyRig.CLUSTER)
                .with(cloud(ProxyRig.CLUSTER, generation, List.of(), proxy("cloud-1", "127.0.0.1", cloudPort)));
        for (int pool = 1; pool <= POOLS; pool++) {
            view = view.with(edge(ProxyRig.CLUSTER, "pool-" + pool, generation, 1, member("edge-" + pool, "127.0.0." + pool)));
        }
        return view;
    }
}
