package io.corvus.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

import io.corvus.agent.Steady;
import io.corvus.agent.proxy.ProxyRig.Agent;
import io.corvus.agent.proxy.SendBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many streams that each hold a little to send make an agent hold no more than its send mark
 * together: at the mark its relays stop reading their sockets, and they read again once the link
 * has taken bytes. Each stream alone stops at 64 KiB; ten uploads into targets that do not read
 * would make the cloud hold at least ten times that, more than this cloud's mark. The uploads keep
 * their output open: the socket of a client that finished is read to its end past the mark, at most
 * its fixed receive buffer ({@link RawHttp#connectAndSend}).
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
    private final List<RawHttp> uploads = new ArrayList<>();
    private final AtomicLong mostHeld = new AtomicLong();

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
        uploadUntilNothingMoves();

        pausedReader.release();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
            mostHeld.accumulateAndGet((long) cloud.stats().heldToSend(), Math::max);
            return pausedReader.taken() == UPLOADS * UPLOAD;
        });
        assertThat(mostHeld.get()).as("the most the cloud was seen holding to send").isLessThanOrEqualTo(MOST_HELD);

        hangUpAll(); // the targets never answer: the clients, having sent all, give up
        assertThat(cloud.stats().heldToSend()).as("held to send once every stream ended").isZero();
    }

    @Test
    void clientsThatHangUpWhileTheCloudHoldsItsMarkLeaveNothingHeldAndNoRelayWaiting() throws Exception {
        uploadUntilNothingMoves();
        int waitingUploads = (int) cloud.stats().readsWaiting();

        // streams opened while the cloud holds its mark wait before their first read; their clients give up
        List<RawHttp> latecomers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            latecomers.add(RawHttp.connectAndUpload(cloud.httpPort(), "edge-1:" + pausedReader.port(), UPLOAD));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.stats().readsWaiting() == waitingUploads + latecomers.size());
        for (RawHttp latecomer : latecomers) {
            latecomer.hangUpWithReset();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.stats().openStreams() == UPLOADS);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cloud.stats().readsWaiting())
                .as("relays waiting for room once the latecomers' sockets closed").isEqualTo(waitingUploads));

        hangUpAll();
        assertThat(cloud.stats().heldToSend()).as("held to send once the streams were reset").isZero();
        assertThat(cloud.stats().readsWaiting()).as("relays still waiting for room, their sockets closed").isZero();
    }

    @Test
    void aLinkLostWhileTheCloudHoldsItsMarkLeavesNothingHeldAndNoRelayWaiting() throws Exception {
        uploadUntilNothingMoves();

        edge.runtime().close(); // the edge gateway goes away with the frames the cloud queued for it
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.stats().openStreams() == 0);
        assertThat(cloud.stats().heldToSend()).as("held to send once the link and its streams were gone").isZero();
        assertThat(cloud.stats().readsWaiting()).as("relays still waiting for room").isZero();
    }

    /** Starts the uploads and waits until nothing moves: the cloud reached its mark and its relays wait, the targets reading nothing. */
    private void uploadUntilNothingMoves() throws IOException {
        for (int i = 0; i < UPLOADS; i++) {
            uploads.add(rig.closeLater(RawHttp.connectAndSend(cloud.httpPort(), "edge-1:" + pausedReader.port(), UPLOAD)));
        }
        Callable<Boolean> nothingMoves = Steady.within(0, cloud.stats()::bytesIn);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            mostHeld.accumulateAndGet((long) cloud.stats().heldToSend(), Math::max);
            return nothingMoves.call();
        });
        assertThat(cloud.stats().readsPaused()).as("times the cloud's relays stopped reading at the mark").isPositive();
        assertThat(cloud.stats().readsWaiting()).as("relays waiting for room").isPositive();
        // After the mark the link may take some of what is held before every stream's window at the
        // edge closes; the relays read again only at three quarters of the mark, so rest lies between.
        long held = (long) cloud.stats().heldToSend();
        assertThat(held).as("bytes the cloud holds to send at rest").isLessThanOrEqualTo(MOST_HELD);
        assertThat(new SendBudget(MARK).roomAgain(held)).as("room again at rest, with " + held + " held: the waiting relays were not woken")
                .isFalse();
    }

    private void hangUpAll() throws IOException {
        for (RawHttp upload : uploads) {
            upload.hangUpWithReset();
        }
        ProxyRig.awaitNoOpenStreams(cloud, edge);
    }
}
