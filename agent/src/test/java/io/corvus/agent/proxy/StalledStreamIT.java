package io.corvus.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.corvus.agent.Steady;
import io.corvus.agent.proxy.ProxyRig.Agent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A relayed socket that takes no byte for the stall timeout while bytes wait for it is closed, and
 * its stream reset at both gateways, with no budget pressing. Streams that are only quiet, and
 * readers that are only slow, live on.
 */
class StalledStreamIT {

    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(1);

    private ProxyRig rig;
    private KubeletLike kubelet;
    private SlowTarget neverReading;
    private SlowTarget slowReader;
    private Agent cloud;
    private Agent edge;

    @BeforeEach
    void cluster() throws Exception {
        rig = new ProxyRig();
        kubelet = rig.closeLater(new KubeletLike("edge-1", "127.0.0.1"));
        neverReading = rig.closeLater(SlowTarget.neverReading("127.0.0.1"));
        slowReader = rig.closeLater(SlowTarget.reading("127.0.0.1", 8 * 1024)); // 80 KiB/s
        cloud = rig.agent("cloud-1", Set.of(), rig.tls("cloud-1"), 0, STALL_TIMEOUT);
        edge = rig.agent("edge-1", Set.of(kubelet.port(), neverReading.port(), slowReader.port()), rig.tls("edge-1"), 0, STALL_TIMEOUT);
        ProxyRig.bringUp(cloud, ProxyRig::cloudAndOneEdge, List.of(edge));
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    @Test
    void aClientThatEndsNormallyBehindBytesATargetNeverTakesIsCutOffAndFreedAtBothGateways() throws Exception {
        try (RawHttp client = RawHttp.connectAndPush(cloud.httpPort(), "edge-1:" + neverReading.port(), () -> { })) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(Steady.within(0, cloud.stats()::bytesIn));
            // A normal end: the FIN queues behind the bytes the path holds, and no gateway reads it while they wait.
            client.socket.shutdownOutput();

            assertThat(endOf(client)).as("the client's connection, closed once the edge's socket to the target stalled").isTrue();
        }
        ProxyRig.awaitNoOpenStreams(cloud, edge);
        assertThat(edge.stats().stalledStreams()).isOne();
        assertThat(edge.stats().shedStreams()).as("no budget involved").isZero();
    }

    @Test
    void aClientThatEndsBehindBytesTheKernelsHoldForATargetThatNeverReadsIsCutOffAndFreedAtBothGateways() throws Exception {
        try (RawHttp client = RawHttp.connectAndUpload(cloud.httpPort(), "edge-1:" + neverReading.port(), 8 * 1024)) {
            // Few enough bytes for the target's and the edge's kernel buffers: the edge hands over its last
            // byte and shuts its output down, then has nothing waiting it could see; the kernel has.
            assertThat(endOf(client)).as("the client's connection, closed once the target took nothing for the stall timeout").isTrue();
        }
        ProxyRig.awaitNoOpenStreams(cloud, edge);
        assertThat(edge.stats().stalledStreams()).isOne();
    }

    @Test
    void aSlowReaderAndAQuietStreamOutliveTheStallTimeout() throws Exception {
        try (RawHttp quiet = RawHttp.to(cloud.httpPort());
                RawHttp pusher = RawHttp.connectAndPush(cloud.httpPort(), "edge-1:" + slowReader.port(), () -> { })) {
            quiet.send("CONNECT edge-1:" + kubelet.port() + " HTTP/1.1\r\n\r\n");
            assertThat(quiet.head()).startsWith("HTTP/1.1 200");

            // bytes wait at the edge for the slow reader all along, and it takes some every 100 ms
            long from = slowReader.taken();
            await().atMost(Duration.ofSeconds(20)).until(() -> slowReader.taken() - from >= 4 * 80 * 1024); // four stall timeouts

            assertThat(edge.stats().stalledStreams()).as("streams cut for a stall").isZero();
            quiet.send("GET /pods HTTP/1.1\r\nHost: edge-1\r\nConnection: close\r\n\r\n");
            assertThat(quiet.rest()).as("the stream that stayed quiet all that time").contains("\"node\":\"edge-1\"");
            pusher.hangUpWithReset();
        }
        ProxyRig.awaitNoOpenStreams(cloud, edge);
        assertThat(edge.stats().stalledStreams()).isZero();
        assertThat(cloud.stats().stalledStreams()).isZero();
    }

    /** True once the peer closed the connection, by a FIN or a reset. */
    private static boolean endOf(RawHttp client) throws IOException {
        try {
            return client.in.read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }
}
