package io.corvus.agent.proxy.netty.link;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.corvus.agent.proxy.ReceiveBudget;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2LocalFlowController;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.WeightedFairQueueByteDistributor;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.jboss.logging.Logger;

/**
 * The connection between an edge gateway and a cloud gateway: HTTP/2 over TLS, with the roles
 * reversed (the edge dials, so it is the TLS client, but the cloud opens the streams, so it is the
 * HTTP/2 client). One stream per proxied connection, each with its own flow-control window, so a
 * stream nobody reads stalls only itself (the fault of a single shared stream, ANP#881). The
 * connection's window is the {@link #BUDGET} of what the peer can make this side hold; stalled
 * streams that nearly fill it are reset ({@link BudgetKeeper}) rather than stall the rest. PINGs
 * every interval; a peer silent for {@code deadAfter} is dropped.
 */
public final class ProxyLink {

    private static final Logger LOG = Logger.getLogger(ProxyLink.class);

    /** Each stream may have this much in flight before its reader must take some. */
    public static final int STREAM_WINDOW = 1 << 20;
    /**
     * The connection's window: at most 16 MiB that no socket of a link's streams has taken. Above
     * 12 MiB its biggest holders are reset, so four streams' full windows stay free for the streams
     * that still read; above 24 MiB over all the agent's links, the link holding the most gives way.
     * An agent's direct memory is capped at about 64 MiB (its -Xmx).
     */
    static final ReceiveBudget BUDGET = new ReceiveBudget(16 << 20, (16 << 20) - 4 * STREAM_WINDOW, 24 << 20);
    public static final int MAX_STREAMS = 1024;
    /** Four TLS records per DATA frame: a quarter of the per-frame work of HTTP/2's default 16 KiB. */
    static final int MAX_FRAME = 64 * 1024;
    /** Bounds what a peer can make the other side hold for one header block. */
    public static final int MAX_HEADER_LIST = 8 * 1024;
    /**
     * What a stream with data to send gets at least when the connection's send budget (what its
     * socket buffer may still take, 64 KiB) is shared out: one full TLS record. HTTP/2's default,
     * 1 KiB, cut 64 busy streams into 1 KiB frames, each a separate write on the far side, and
     * halved the throughput; the fair queue still takes turns across rounds.
     */
    static final int MIN_SHARE = 16 * 1024;
    /**
     * What the link socket may have queued before it counts as full. HTTP/2's sender writes only
     * what the socket can still take, so Netty's default (64 KiB) sent one 64 KiB frame per flush
     * and writability event.
     */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 512 * 1024);

    /** The stream on which the cloud side tells the edge where it sees it coming from. */
    public static final String HELLO_PATH = "/corvus/v1/hello";
    public static final String OBSERVED_ADDRESS = "corvus-observed-address";
    /** Why a stream was refused: a header on the edge's answer, shown to the cloud client. */
    public static final String REASON = "corvus-reason";

    private ProxyLink() {
    }

    /**
     * Fired through the whole pipeline when the peer's first SETTINGS frame arrives. A server
     * speaks HTTP/2 only to a client it admitted (it closes on a refused certificate right after
     * the TLS handshake, which the client sees as complete), so this is when the link is up.
     */
    public enum Established { EVENT }

    /** @param opensStreams true on the cloud side (HTTP/2 client), false on the edge side (HTTP/2 server) */
    static Http2FrameCodec codec(boolean opensStreams) {
        Http2Settings settings = new Http2Settings().initialWindowSize(STREAM_WINDOW).maxConcurrentStreams(MAX_STREAMS)
                .maxHeaderListSize(MAX_HEADER_LIST).maxFrameSize(MAX_FRAME);
        if (opensStreams) {
            settings.pushEnabled(false); // only the HTTP/2 client may say so (RFC 9113 6.5.2)
        }
        Http2FrameCodec codec = new CodecBuilder(!opensStreams).initialSettings(settings).validateHeaders(true).build();
        // A 64 KiB frame arrives as several TLS records: chain their buffers instead of copying each
        // into one (the default), so a DATA payload reaches the socket as the decrypted bytes themselves.
        codec.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
        return codec;
    }

    /** Netty's builder on a connection whose sender shares out at least {@link #MIN_SHARE} per stream. */
    private static final class CodecBuilder extends Http2FrameCodecBuilder {
        CodecBuilder(boolean server) {
            Http2Connection connection = new DefaultHttp2Connection(server);
            WeightedFairQueueByteDistributor fair = new WeightedFairQueueByteDistributor(connection);
            fair.allocationQuantum(MIN_SHARE);
            connection.remote().flowController(new DefaultHttp2RemoteFlowController(connection, fair));
            connection(connection);
        }
    }

    /**
     * Switches an admitted connection to HTTP/2 behind {@code admission}: codec, keepalive, then the
     * multiplexer (which needs the codec in place). Bytes that arrived with the end of the handshake
     * are replayed by the caller into the codec.
     */
    static void speakHttp2(ChannelHandlerContext admission, boolean opensStreams, Duration keepalive,
            io.netty.channel.ChannelHandler inboundStreams, HeldAcrossLinks held) {
        Http2FrameCodec codec = codec(opensStreams);
        var pipeline = admission.pipeline();
        pipeline.addAfter(admission.name(), "h2", codec);
        pipeline.addAfter("h2", "h2-budget", held.keeper(codec));
        pipeline.addAfter("h2-budget", "h2-keepalive", new KeepAlive(keepalive, codec));
        pipeline.addAfter("h2-keepalive", "h2-streams", new io.netty.handler.codec.http2.Http2MultiplexHandler(inboundStreams));
    }

    /** Drops the connection when nothing arrived from the peer for {@code deadAfter} (PINGs arrive every interval). */
    public static IdleStateHandler deadPeerDetector(Duration deadAfter) {
        return new IdleStateHandler(deadAfter.toMillis(), 0, 0, TimeUnit.MILLISECONDS);
    }

    /**
     * Once the peer's SETTINGS arrived (the connection is up, on either side), widens the connection
     * window to the receive budget, announces {@link Established} and PINGs every interval; closes on silence.
     */
    static final class KeepAlive extends ChannelDuplexHandler {
        private final Duration interval;
        private final Http2FrameCodec codec;
        private ScheduledFuture<?> pings;
        private boolean givenUp;

        KeepAlive(Duration interval, Http2FrameCodec codec) {
            this.interval = interval;
            this.codec = codec;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof Http2SettingsFrame && pings == null) {
                widenConnectionWindow();
                ctx.flush();
                ctx.pipeline().fireUserEventTriggered(Established.EVENT);
                pings = ctx.executor().scheduleAtFixedRate(
                        () -> ctx.writeAndFlush(new DefaultHttp2PingFrame(ThreadLocalRandom.current().nextLong())),
                        interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
            }
            super.channelRead(ctx, msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent) {
                if (!givenUp) {
                    givenUp = true;
                    LostPeers.notALoss(ctx.channel());
                    LOG.infof("link %s: nothing from the peer for too long, closing", ctx.channel().remoteAddress());
                    // no grace for a silent peer: by default the codec waits 30 s for open streams to end
                    codec.gracefulShutdownTimeoutMillis(0);
                    ctx.close();
                }
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        /**
         * The codec has already answered a protocol error (GOAWAY, then close) before it passes the
         * error on; a peer sending garbage must not fill the log with stack traces.
         */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ChannelErrors.log(LOG, "link " + ctx.channel().remoteAddress(), cause);
            ctx.close();
        }

        /**
         * Also gives the window back after every stream window's worth taken by sockets rather than
         * at half the window (the default ratio): with 8 of the 16 MiB taken but not yet given back,
         * 8 MiB held would already stop every stream, below where the budget sheds a holder.
         */
        private void widenConnectionWindow() throws Http2Exception {
            var connection = codec.connection();
            var flow = (DefaultHttp2LocalFlowController) connection.local().flowController(); // the codec builder's own
            flow.incrementWindowSize(connection.connectionStream(), BUDGET.bytes() - flow.windowSize(connection.connectionStream()));
            flow.windowUpdateRatio(connection.connectionStream(), 1 - (float) STREAM_WINDOW / BUDGET.bytes());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (pings != null) {
                pings.cancel(false);
            }
            super.channelInactive(ctx);
        }
    }
}
