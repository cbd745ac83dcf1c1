package io.corvus.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import io.corvus.agent.proxy.ProxyRig.Agent;
import io.corvus.agent.proxy.netty.link.ProxyLink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that ends its side normally while its stream crawls makes the gateway reading from it take
 * in no more than the stream's window and a socket buffer of fixed size. An agent reads a socket
 * whose peer has finished to the end whether its stream can take the bytes or not; a buffer the
 * kernel had grown while the stream was fast held megabytes for every such connection. A peer that
 * goes away after it finished is noticed, though nothing is read from or written to it any more.
 */
class FinishingPeerIT {

    /** Moved at full speed first, long enough for the kernel to grow a buffer it autotunes. */
    private static final long FAST_PART = 256L << 20;
    /** Then this much more, read at 2.5 MiB/s: more than the kernel's buffers toward the reader take. */
    private static final long SLOW_PART = 24L << 20;
    private static final int SLOW_PACE = 256 * 1024; // per 100 ms
    /**
     * The stream's window (unread at the far gateway or on its way) and what the reading gateway
     * holds to send: up to its stream's mark (64 KiB) and one read (64 KiB) past it, and what the
     * kernel held for the socket at the end (at most twice the 128 KiB asked for).
     */
    private static final long MOST_HELD = ProxyLink.STREAM_WINDOW + (128 << 10) + (256 << 10);

    private ProxyRig rig;
    private Agent cloud;
    private Agent edge;
    private SlowTarget slowTarget;
    private ServerSocket answeringTarget;
    private SlowTarget quietTarget;

    @BeforeEach
    void cluster() throws Exception {
        rig = new ProxyRig();
        slowTarget = rig.closeLater(SlowTarget.fastThenSlow("127.0.0.1", FAST_PART, SLOW_PACE));
        answeringTarget = rig.closeLater(new ServerSocket());
        answeringTarget.bind(new InetSocketAddress("127.0.0.1", 0));
        quietTarget = rig.closeLater(SlowTarget.neverReading("127.0.0.1"));
        cloud = rig.agent("cloud-1", Set.of());
        edge = rig.agent("edge-1", Set.of(slowTarget.port(), answeringTarget.getLocalPort(), quietTarget.port()));
        ProxyRig.bringUp(cloud, ProxyRig::cloudAndOneEdge, List.of(edge));
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    @Test
    void anUploadThatEndsWhileItsStreamCrawlsLeavesTheCloudHoldingLittleMoreThanTheStreamWindow() throws Exception {
        long mostHeld;
        try (RawHttp client = RawHttp.connectAndUpload(cloud.httpPort(), "edge-1:" + slowTarget.port(), FAST_PART + SLOW_PART)) {
            mostHeld = mostHeldUntil(() -> cloud.stats().bytesIn() - edge.stats().bytesOut(),
                    () -> slowTarget.taken() == FAST_PART + SLOW_PART);
        }
        slowTarget.close(); // its connection ends, so the stream does
        assertThat(mostHeld).as("most bytes the cloud took from the client that the edge had not handed on")
                .isLessThanOrEqualTo(MOST_HELD);
        ProxyRig.awaitNoOpenStreams(cloud, edge);
    }

    @Test
    void anAnswerThatEndsWhileItsStreamCrawlsLeavesTheEdgeHoldingLittleMoreThanTheStreamWindow() throws Exception {
        Thread.ofVirtual().start(this::answerAndClose);
        AtomicLong read = new AtomicLong();
        long mostHeld;
        // a slow reader's kernel soaks up little
        try (RawHttp client = RawHttp.to(cloud.httpPort(), SLOW_PACE).send("CONNECT edge-1:" + answeringTarget.getLocalPort() + " HTTP/1.1\r\n\r\n")) {
            assertThat(client.head()).startsWith("HTTP/1.1 200");
            Thread.ofVirtual().start(() -> {
                try {
                    SlowTarget.take(client.in, FAST_PART, SLOW_PACE, read);
                } catch (IOException ended) {
                    // the test closed the client
                }
            });
            mostHeld = mostHeldUntil(() -> edge.stats().bytesIn() - cloud.stats().bytesOut(),
                    () -> read.get() == FAST_PART + SLOW_PART);
        }
        assertThat(mostHeld).as("most bytes the edge took from the target that the cloud had not handed on")
                .isLessThanOrEqualTo(MOST_HELD);
        ProxyRig.awaitNoOpenStreams(cloud, edge);
    }

    @Test
    void aClientThatResetsAfterEndingItsRequestIsNoticedAndItsStreamFreedAtBothGateways() throws Exception {
        try (RawHttp client = RawHttp.to(cloud.httpPort()).send("CONNECT edge-1:" + quietTarget.port() + " HTTP/1.1\r\n\r\n")) {
            assertThat(client.head()).startsWith("HTTP/1.1 200");
            client.send("GET /pods HTTP/1.1\r\n\r\n");
            client.socket.shutdownOutput(); // the request is complete; the target never answers
            await().atMost(Duration.ofSeconds(10)).until(() -> edge.stats().bytesOut() > 0);
            client.hangUpWithReset();
        }
        ProxyRig.awaitNoOpenStreams(cloud, edge);
    }

    /** The target: sends its whole answer as fast as it goes, then closes. */
    private void answerAndClose() {
        try (Socket connection = answeringTarget.accept(); OutputStream out = connection.getOutputStream()) {
            byte[] chunk = new byte[64 * 1024];
            for (long left = FAST_PART + SLOW_PART; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        } catch (IOException cut) {
            // the agent cut the connection: the assertions say why
        }
    }

    /** Samples what a gateway holds until the transfer is done; returns the most it held. */
    private static long mostHeldUntil(LongSupplier held, BooleanSupplier done) {
        AtomicLong most = new AtomicLong();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
            most.accumulateAndGet(held.getAsLong(), Math::max);
            return done.getAsBoolean();
        });
        return most.get();
    }
}
