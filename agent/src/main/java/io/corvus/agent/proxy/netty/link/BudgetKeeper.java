package io.corvus.agent.proxy.netty.link;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongPredicate;

import io.corvus.agent.proxy.ReceiveBudget;
import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;
import org.jboss.logging.Logger;

/**
 * Keeps a link connection within its {@link ReceiveBudget}, between the HTTP/2 codec and the
 * streams. After each read from the connection it reports what its streams hold (received, and
 * not yet taken by a socket's kernel, read by a relay or not) to the agent's
 * {@link HeldAcrossLinks}, and resets the biggest holders while the link's budget is
 * overdrawn, or, when asked, while the agent's is. All on the connection's event loop, which its
 * streams share.
 * <p>
 * The codec hands out DATA payloads as slices of the buffers it decoded, and a slice left unread
 * pins its whole buffer, shared with other streams' frames: 200 stalled streams held 356 MiB for
 * 200 MiB of window. So a payload that will wait (its socket cannot take more now, or its stream is
 * not relayed yet) is copied into a buffer of its own, as is every small one, which would pin the
 * most per byte. A large payload whose socket takes it at once passes as is: copying every payload
 * cost 10-15 % more CPU per GB with one busy stream.
 */
final class BudgetKeeper extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(BudgetKeeper.class);
    /** Payloads below this are always copied: a 1 KiB frame could pin a 16 KiB TLS record. */
    private static final int ALWAYS_COPY_BELOW = 16 * 1024;

    private final ReceiveBudget budget;
    private final Duration stallTimeout;
    private final Http2FrameCodec codec;
    private final HeldAcrossLinks across;
    private final ProxyStats stats;
    private ChannelHandlerContext ctx;
    private final AtomicBoolean askedToShed = new AtomicBoolean();
    /** What this link last told {@link HeldAcrossLinks} it holds; read from other links' loops. */
    private volatile long reported;
    /** The relayed streams by id, each with the socket it is joined to. */
    private final Map<Integer, Relayed> relayed = new HashMap<>();

    private record Relayed(Http2StreamChannel stream, Channel socket) {
    }

    BudgetKeeper(ReceiveBudget budget, Duration stallTimeout, Http2FrameCodec codec, HeldAcrossLinks across, ProxyStats stats) {
        this.budget = budget;
        this.stallTimeout = stallTimeout;
        this.codec = codec;
        this.across = across;
        this.stats = stats;
    }

    /** How long a relayed socket may take no byte while bytes wait for it ({@link StallGuard}). */
    Duration stallTimeout() {
        return stallTimeout;
    }

    /** Counts a relayed stream in; it leaves when it closes. Call on the stream's event loop. */
    void track(Http2StreamChannel stream, Channel socket) {
        int id = stream.stream().id();
        relayed.put(id, new Relayed(stream, socket));
        stream.closeFuture().addListener(closed -> relayed.remove(id));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2DataFrame data && data.content().isReadable() && willWait(data)) {
            ByteBuf own = ctx.alloc().directBuffer(data.content().readableBytes()).writeBytes(data.content());
            Http2DataFrame copy = new DefaultHttp2DataFrame(own, data.isEndStream(), data.padding()).stream(data.stream());
            data.release();
            msg = copy;
        }
        ctx.fireChannelRead(msg);
    }

    private boolean willWait(Http2DataFrame data) {
        if (data.content().readableBytes() < ALWAYS_COPY_BELOW) {
            return true;
        }
        Relayed to = relayed.get(data.stream().id());
        return to == null || !to.socket().isWritable();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete(); // the streams take what they can first
        Http2Connection connection = codec.connection();
        long held = connection.local().flowController().unconsumedBytes(connection.connectionStream());
        report(held);
        if (budget.overdrawn(held)) {
            shedWhile(budget::overdrawn, "the link's receive budget of " + (budget.bytes() >> 20) + " MiB was nearly used up");
        }
        across.rebalance();
    }

    /**
     * Asked by {@link HeldAcrossLinks}, from any thread: this link holds the most while the agent
     * is over its mark. Resets its biggest streams, on its own event loop, until the agent is not.
     */
    void shedForTheAgent() {
        if (!askedToShed.compareAndSet(false, true)) {
            return; // already on its way
        }
        ctx.executor().execute(() -> {
            askedToShed.set(false);
            if (!ctx.channel().isActive()) {
                return; // the link went meanwhile and left the count: reporting now would put it back
            }
            long elsewhere = across.heldBeside(this);
            shedWhile(held -> budget.agentOverdrawn(elsewhere + held),
                    "the agent's links held more than " + (budget.agentShedAbove() >> 20) + " MiB together");
        });
    }

    /** Resets the biggest holders while {@code over} says what the relayed streams hold is too much. */
    private void shedWhile(LongPredicate over, String why) {
        // Counted per relayed stream: a stream already shed has freed its frames, though its reset may
        // still be on its way out and the connection's count not yet lowered.
        Http2Connection connection = codec.connection();
        Map<Relayed, Integer> held = new HashMap<>();
        relayed.values().forEach(each -> held.put(each, held(connection, each.stream())));
        long total = held.values().stream().mapToLong(Integer::longValue).sum();
        while (over.test(total)) {
            var victim = budget.streamToShed(held);
            if (victim.isEmpty()) {
                break; // the held bytes belong to streams not relayed yet (their answer is on its way)
            }
            int itsHeld = held.remove(victim.get());
            total -= itsHeld;
            shed(victim.get(), itsHeld, why);
        }
        report(total);
    }

    /** Tells the agent's count what this link holds now, if that changed (mostly it stays 0). */
    private void report(long held) {
        if (held != reported) {
            across.changed(held - reported);
            reported = held;
        }
    }

    long reported() {
        return reported;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        across.leave(this);
        super.channelInactive(ctx);
    }

    private static int held(Http2Connection connection, Http2StreamChannel stream) {
        Http2Stream state = connection.stream(stream.stream().id());
        return state == null ? 0 : connection.local().flowController().unconsumedBytes(state);
    }

    /** Resets the stream (its frames are released and its window given back) and drops its socket. */
    private void shed(Relayed victim, int held, String why) {
        relayed.remove(victim.stream().stream().id());
        LOG.infof("stream %s (socket %s) reset: it held %d KiB no socket took, and %s", victim.stream().stream().id(),
                victim.socket().remoteAddress(), held >> 10, why);
        stats.streamShed();
        victim.socket().close();
        victim.stream().close();
    }
}
