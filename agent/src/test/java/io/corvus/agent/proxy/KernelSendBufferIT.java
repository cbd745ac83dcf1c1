package io.corvus.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.corvus.agent.Steady;
import io.corvus.agent.proxy.ProxyRig.Agent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A relayed socket whose peer reads nothing holds little in the agent's kernel: its send buffer is
 * fixed. Autotuned, Linux grows the buffer of a connection that moves fast at first, and keeps
 * growing it as a stalled peer's zero-window probes are answered, up to tcp_wmem's maximum (4 MiB
 * here): kernel memory for every stalled stream, which no count of the agent's sees, until the
 * stall timeout ends the stream.
 */
class KernelSendBufferIT {

    /**
     * Twice the relay's fixed 256 KiB (Linux doubles what is asked, for its own bookkeeping), and the
     * little the target's 4 KiB receive buffer takes; autotuned, the edge's kernel alone took 1–4 MiB.
     */
    private static final long MOST_IN_KERNELS = 2 * (256 << 10) + (64 << 10);

    private ProxyRig rig;
    private SlowTarget neverReading;
    private Agent cloud;
    private Agent edge;

    @BeforeEach
    void cluster() throws Exception {
        rig = new ProxyRig();
        neverReading = rig.closeLater(SlowTarget.neverReading("127.0.0.1"));
        cloud = rig.agent("cloud-1", Set.of());
        edge = rig.agent("edge-1", Set.of(neverReading.port()));
        ProxyRig.bringUp(cloud, ProxyRig::cloudAndOneEdge, List.of(edge));
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    @Test
    void theEdgesKernelHoldsAboutItsFixedSendBufferForATargetThatReadsNothing() throws Exception {
        try (RawHttp pusher = RawHttp.connectAndPush(cloud.httpPort(), "edge-1:" + neverReading.port(), () -> { })) {
            // the probes that grow an autotuned buffer come at growing intervals: give them several
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                    .until(Steady.within(0, edge.stats()::bytesOut));

            long takenByKernels = edge.stats().bytesOut() - edge.stats().heldForSockets();
            assertThat(takenByKernels).as("bytes the edge's kernel and the target's took for the stalled target").isPositive()
                    .isLessThanOrEqualTo(MOST_IN_KERNELS);
            pusher.hangUpWithReset();
        }
        ProxyRig.awaitNoOpenStreams(cloud, edge);
    }
}
