package io.corvus.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

import io.corvus.agent.Steady;
import io.corvus.agent.proxy.ProxyRig.Agent;
import io.corvus.agent.proxy.policy.SendBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many streams that each hold a little to send make an agent hold no more than its send mark
 * together: at the mark its relays stop reading their sockets, and they read again once the tunnel
 * has taken bytes. Each stream alone stops at 64 KiB; ten uploads into targets that do not read
 * would make the cloud hold at least ten times that, more than this cloud's mark.
 */
class SendMarkIT {

    private static final long MARK = SendBudget.SMALLEST_MARK;
    private static final int UPLOADS = 10;
    private static final long UPLOAD = 8L << 20;
    /**
     * Past the mark: a read on each of the rig's two event loops that both saw the same room, and a
     * smallest read for every socket that had asked to read before the mark was reached.
     */
    private static final long MOST_HELD = MARK + 2 * (64 << 10) + UPLOADS * SendBudget.SMALLEST_READ;

    private ProxyRig rig;
    private Agent cloud;
    private Agent edge;
    private SlowTarget pausedReader;

    @BeforeEach
    void cluster() throws Exception {
        rig = new ProxyRig();
        pausedReader = rig.closeLater(SlowTarget.heldBack("127.0.0.1"));
        cloud = rig.agent("cloud-1", Set.of(), MARK);
        edge = rig.agent("edge-1", Set.of(pausedReader.port()));
        ProxyRig.bringUp(cloud, ProxyRig::cloudAndOneEdge, List.of(edge));
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    @Test
    void uploadsIntoTargetsThatStopReadingLeaveTheCloudHoldingItsMarkAndAllArriveOnceTheyRead() throws Exception {
        AtomicLong mostHeld = new AtomicLong();
        List<RawHttp> uploads = new ArrayList<>();
        for (int i = 0; i < UPLOADS; i++) {
            uploads.add(rig.closeLater(RawHttp.connectAndUpload(cloud.httpPort(), "edge-1:" + pausedReader.port(), UPLOAD)));
        }

        Callable<Boolean> nothingMoves = Steady.within(0, cloud.stats()::bytesIn);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            mostHeld.accumulateAndGet((long) cloud.stats().heldToSend(), Math::max);
            return nothingMoves.call();
        });
        assertThat(cloud.stats().readsPaused()).as("times the cloud's relays stopped reading at the mark").isPositive();
        assertThat((long) cloud.stats().heldToSend()).as("bytes the cloud holds to send at rest").isBetween(MARK, MOST_HELD);

        pausedReader.release();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
            mostHeld.accumulateAndGet((long) cloud.stats().heldToSend(), Math::max);
            return pausedReader.taken() == UPLOADS * UPLOAD;
        });
        assertThat(mostHeld.get()).as("the most the cloud was seen holding to send").isLessThanOrEqualTo(MOST_HELD);

        for (RawHttp upload : uploads) {
            upload.hangUpWithReset(); // the targets never answer: the clients, having sent all, give up
        }
        ProxyRig.awaitNoOpenStreams(cloud, edge);
        assertThat(cloud.stats().heldToSend()).as("held to send once every stream ended").isZero();
    }
}
