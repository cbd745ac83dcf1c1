package io.corvus.agent.proxy.netty.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.corvus.agent.proxy.SendBudget;
import io.corvus.agent.proxy.netty.cloud.EdgeSessions;
import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A relayed stream's window goes back to the peer once the socket's kernel took the bytes, not
 * when the relay read the frame: until then they count in what the link holds for its peer. A
 * cloud and an edge speak HTTP/2 over two embedded channels; the edge answers a stream with eight
 * 64 KiB frames; the cloud relays them into a socket whose "kernel" takes nothing until told.
 */
class WindowBackOnceTakenTest {

    private static final int FRAME = 64 << 10;
    private static final int FRAMES = 8; // half the stream's window: Netty sends a WINDOW_UPDATE from there on

    private final ProxyStats stats = new ProxyStats(new SimpleMeterRegistry());
    private final Http2FrameCodec cloudCodec = ProxyLink.codec(true);
    private final Http2FrameCodec edgeCodec = ProxyLink.codec(false);
    private EmbeddedChannel cloud;
    private EmbeddedChannel edge;
    private final Kernel kernel = new Kernel();
    private final EmbeddedChannel socket = new EmbeddedChannel(kernel);

    @BeforeEach
    void link() {
        HeldAcrossLinks held = new HeldAcrossLinks(stats, Duration.ofMinutes(1));
        cloud = new EmbeddedChannel(cloudCodec, held.keeper(cloudCodec), new ProxyLink.KeepAlive(Duration.ofHours(1), cloudCodec),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        edge = new EmbeddedChannel(edgeCodec, new Http2MultiplexHandler(new AnswerInFrames()));
        exchange(); // prefaces and SETTINGS; the cloud widens its connection window
        socket.config().setAutoRead(false);
    }

    @AfterEach
    void close() {
        socket.finishAndReleaseAll();
        cloud.finishAndReleaseAll();
        edge.finishAndReleaseAll();
    }

    @Test
    void aFramesWindowComesBackOnlyOnceTheSocketsKernelTookItsBytes() {
        Http2StreamChannel stream = new EdgeSessions.EdgeSession("edge-1", cloud, null).openStream(new Relay.Gate()).getNow();
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("CONNECT").authority("edge-1:10250"), false));
        Relay.join(socket, stream, false, stats, new HeldToSend(new SendBudget(16 << 20), stats));
        exchange();

        assertThat(kernel.waiting).as("bytes the relay handed to the socket").isEqualTo(FRAMES * FRAME);
        assertThat(stats.heldForSockets()).as("held for sockets, as counted").isEqualTo(FRAMES * FRAME);
        assertThat(unconsumed(cloudCodec, stream)).as("bytes the cloud's link still counts for the stream").isEqualTo(FRAMES * FRAME);
        assertThat(edgeWindow(stream)).as("what the edge may still send on the stream").isEqualTo(ProxyLink.STREAM_WINDOW - FRAMES * FRAME);

        kernel.takeAll();
        exchange();

        assertThat(stats.heldForSockets()).as("held for sockets once the kernel took everything").isZero();
        assertThat(unconsumed(cloudCodec, stream)).as("bytes the cloud's link counts once the kernel took them").isZero();
        assertThat(edgeWindow(stream)).as("what the edge may send once the cloud gave the window back").isEqualTo(ProxyLink.STREAM_WINDOW);
    }

    private static int unconsumed(Http2FrameCodec codec, Http2StreamChannel stream) {
        Http2Connection connection = codec.connection();
        return connection.local().flowController().unconsumedBytes(connection.stream(stream.stream().id()));
    }

    private int edgeWindow(Http2StreamChannel stream) {
        Http2Connection connection = edgeCodec.connection();
        return connection.remote().flowController().windowSize(connection.stream(stream.stream().id()));
    }

    /** Runs both sides' tasks and carries their bytes across until neither has more to say. */
    private void exchange() {
        boolean moved = true;
        while (moved) {
            cloud.runPendingTasks();
            edge.runPendingTasks();
            socket.runPendingTasks();
            moved = carry(cloud, edge) | carry(edge, cloud);
        }
    }

    private static boolean carry(EmbeddedChannel from, EmbeddedChannel to) {
        boolean any = false;
        for (Object bytes = from.readOutbound(); bytes != null; bytes = from.readOutbound()) {
            to.writeInbound(bytes);
            any = true;
        }
        return any;
    }

    /** The edge's side of every stream: answers its request with a 200 and {@link #FRAMES} frames. */
    private static final class AnswerInFrames extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame) {
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
                for (int i = 0; i < FRAMES; i++) {
                    ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[FRAME]), false));
                }
                ctx.flush();
            }
            ReferenceCountUtil.release(msg);
        }
    }

    /** A socket's kernel that takes no byte until told: the writes wait, their promises open. */
    private static final class Kernel extends ChannelOutboundHandlerAdapter {
        private final List<ChannelPromise> writes = new ArrayList<>();
        private long waiting;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            waiting += ((ByteBuf) msg).readableBytes();
            ReferenceCountUtil.release(msg);
            writes.add(promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // nothing leaves until takeAll
        }

        void takeAll() {
            writes.forEach(ChannelPromise::setSuccess);
            writes.clear();
            waiting = 0;
        }
    }
}
