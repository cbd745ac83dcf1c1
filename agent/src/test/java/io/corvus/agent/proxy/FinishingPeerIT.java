package io.corvus.agent.proxy;

import static io.corvus.agent.topology.Topologies.cloud;
import static io.corvus.agent.topology.Topologies.edge;
import static io.corvus.agent.topology.Topologies.member;
import static io.corvus.agent.topology.Topologies.proxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.corvus.agent.proxy.ProxyRig.Agent;
import io.corvus.agent.proxy.netty.Tunnel;
import io.corvus.agent.topology.ClusterView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An upload that ends normally while its stream crawls makes the cloud gateway take in no more than
 * its stream's window and a socket buffer of fixed size. The agent reads a socket whose peer has
 * finished to the end whether its stream can take the bytes or not; a buffer the kernel had grown
 * while the stream was fast held megabytes for every such upload.
 */
class FinishingPeerIT {

    /** Taken at full speed first, long enough for the kernel to grow a buffer it autotunes. */
    private static final long FAST_PART = 256L << 20;
    /** Then this much more, read at 2.5 MiB/s: more than the kernel's buffers toward the target take. */
    private static final long SLOW_PART = 24L << 20;

    private ProxyRig rig;
    private SlowTarget target;
    private Agent cloud;
    private Agent edge;

    @BeforeEach
    void cluster() throws Exception {
        rig = new ProxyRig();
        target = rig.closeLater(SlowTarget.fastThenSlow("127.0.0.1", FAST_PART, 256 * 1024));
        cloud = rig.agent("cloud-1", Set.of());
        edge = rig.agent("edge-1", Set.of(target.port()));
        ProxyRig.bringUp(cloud, FinishingPeerIT::view, List.of(edge));
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    @Test
    void anUploadThatEndsWhileItsStreamCrawlsLeavesTheCloudHoldingLittleMoreThanTheStreamWindow() throws Exception {
        AtomicLong mostHeld = new AtomicLong();
        try (RawHttp client = RawHttp.connectAndUpload(cloud.httpPort(), "edge-1:" + target.port(), FAST_PART + SLOW_PART)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
                // taken from the client by the cloud, not yet handed to the target by the edge
                mostHeld.accumulateAndGet(cloud.stats().bytesIn() - edge.stats().bytesOut(), Math::max);
                return target.taken() == FAST_PART + SLOW_PART;
            });
        }
        target.close(); // its connection ends, so the stream does
        // the stream's window, unread at the edge or on its way, plus what the cloud holds to send:
        // a read past the stream's mark and what the client's socket buffer held when the client ended
        assertThat(mostHeld.get()).as("most bytes the cloud took in and the edge had not handed on")
                .isLessThanOrEqualTo(Tunnel.STREAM_WINDOW + (512 << 10));
        ProxyRig.awaitNoOpenStreams(cloud, edge);
    }

    private static ClusterView view(long generation, int cloudPort) {
        return ClusterView.empty(ProxyRig.CLUSTER)
                .with(cloud(ProxyRig.CLUSTER, generation, List.of(), proxy("cloud-1", "127.0.0.1", cloudPort)))
                .with(edge(ProxyRig.CLUSTER, "hangzhou", generation, 1, member("edge-1", "127.0.0.1")));
    }
}
