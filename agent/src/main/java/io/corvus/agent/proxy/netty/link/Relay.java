package io.corvus.agent.proxy.netty.link;

import java.util.ArrayList;
import java.util.List;

import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import org.jboss.logging.Logger;

/**
 * Moves bytes between a socket (a target on the edge, a client at a front door on the cloud) and
 * the link stream it was given, both ways, without buffering: neither side reads more until the
 * other can take it (auto-read off; read again on writability). A stream's window goes back to
 * the peer only once the socket's kernel took the bytes, so a stream whose socket does not take
 * them keeps its window closed and the peer stops sending on that stream only. What all relays
 * have read and not yet sent is bounded agent-wide too ({@link HeldToSend}). Half-close
 * travels as END_STREAM; a reset or a lost socket ends both, as does a socket that stopped taking
 * bytes ({@link StallGuard}) or whose peer went away after ending its output ({@link HangUpWatch}).
 */
public final class Relay {

    private static final Logger LOG = Logger.getLogger(Relay.class);

    /**
     * The kernel receive buffer of every relayed socket, fixed rather than autotuned. Netty's epoll
     * transport reads a socket whose peer has shut down its output to the end, auto-read off or not
     * (netty#13142), so whatever that buffer holds when a client or target finishes lands in the
     * agent at once, behind a stream that may not move. Autotuned, the buffer of a fast stream grows
     * to tcp_rmem's maximum (32 MiB here): 64 uploads ending together once took the cloud agent past
     * its 64 MiB of direct memory. Fixed, the kernel holds at most twice this per socket. Set when
     * the socket is joined to its stream, the one step every relayed socket takes; until then it has
     * carried at most a request head.
     */
    private static final int SOCKET_RECEIVE_BUFFER = 128 * 1024;

    private Relay() {
    }

    /**
     * Joins the two channels; both must have auto-read off.
     *
     * @param halfClose true when the socket can shut down its output alone (plain TCP); a front door
     *                  on TLS closes once the stream ended instead
     * @param sends     the agent's count of what its relays hold to send; the socket reads through its allocator
     */
    public static void join(Channel socket, Http2StreamChannel stream, boolean halfClose, ProxyStats stats, HeldToSend sends) {
        stats.streamOpened();
        stream.closeFuture().addListener(f -> stats.streamClosed());
        socket.config().setOption(ChannelOption.SO_RCVBUF, SOCKET_RECEIVE_BUFFER);
        Ends ends = new Ends(socket, stream);
        // every link has its keeper; both sides join on the stream's event loop, the keeper's
        BudgetKeeper keeper = stream.parent().pipeline().get(BudgetKeeper.class);
        if (StallGuard.canWatch(socket)) { // ahead of the relay: the guard takes the socket's error when the kernel gave up
            socket.pipeline().addLast("stall-guard", new StallGuard(keeper.stallTimeout(), stats))
                    .addLast("hang-up-watch", new HangUpWatch());
        }
        SocketSide socketSide = new SocketSide(socket, stream, stats, sends, ends);
        socket.pipeline().addLast("relay", socketSide);
        stream.pipeline().addLast("relay", new StreamSide(socket, socketSide, halfClose, stats, ends));
        keeper.track(stream, socket);
        Gate gate = stream.pipeline().get(Gate.class);
        if (gate != null) {
            stream.eventLoop().execute(gate::open);
        }
        socketSide.askToRead();
        stream.read();
    }

    /**
     * Which directions have finished. Once both have, the socket and the stream are closed: neither
     * waits for the other to notice (an HTTP/2 child channel with auto-read off only learns that its
     * stream closed when it reads again).
     */
    private static final class Ends {
        private final Channel socket;
        private final Http2StreamChannel stream;
        private boolean socketToStream;
        private boolean streamToSocket;

        Ends(Channel socket, Http2StreamChannel stream) {
            this.socket = socket;
            this.stream = stream;
        }

        synchronized void endSocketToStream() {
            socketToStream = true;
            closeIfBothEnded();
        }

        synchronized void endStreamToSocket() {
            streamToSocket = true;
            closeIfBothEnded();
        }

        /**
         * Ends the socket's output, its last byte written. If its input has ended too, the close that
         * follows sends the FIN by itself: a shutdown first would only make Netty build a
         * ChannelOutputShutdownException, stack trace and all, for every stream.
         */
        void endOutput(DuplexChannel duplex) {
            if (socketToStreamEnded()) {
                endStreamToSocket();
            } else {
                duplex.shutdownOutput().addListener(shut -> endStreamToSocket());
            }
        }

        private synchronized boolean socketToStreamEnded() {
            return socketToStream;
        }

        private void closeIfBothEnded() {
            if (socketToStream && streamToSocket) {
                socket.close(); // its output is flushed (and shut down if the socket still sent), its input at its end
                stream.read(); // lets the child channel see its stream closed
            }
        }
    }

    /**
     * Holds a stream's frames that arrive before its relay is in place (data right behind the
     * answer's headers, in the same read), then lets them through in order and steps aside.
     */
    public static final class Gate extends ChannelInboundHandlerAdapter {
        private final List<Object> held = new ArrayList<>();
        private ChannelHandlerContext ctx;
        private boolean open;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (open) {
                ctx.fireChannelRead(msg);
            } else {
                held.add(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (open) {
                ctx.fireChannelReadComplete();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            held.forEach(ReferenceCountUtil::release);
            held.clear();
            super.channelInactive(ctx);
        }

        /** On the stream's event loop, once the relay follows. */
        void open() {
            if (open || ctx.isRemoved()) {
                return;
            }
            open = true;
            held.forEach(ctx::fireChannelRead);
            held.clear();
            ctx.fireChannelReadComplete();
            ctx.pipeline().remove(this);
        }
    }

    /** From the socket into the stream. */
    private static final class SocketSide extends ChannelInboundHandlerAdapter {
        private final Channel socket;
        private final Http2StreamChannel stream;
        private final ProxyStats stats;
        private final HeldToSend sends;
        private final Ends ends;
        private final Runnable wake = this::woken;
        private boolean ended;
        /** Queued to be woken once the agent holds less to send; only touched on the socket's event loop. */
        private boolean waiting;

        SocketSide(Channel socket, Http2StreamChannel stream, ProxyStats stats, HeldToSend sends, Ends ends) {
            this.socket = socket;
            this.stream = stream;
            this.stats = stats;
            this.sends = sends;
            this.ends = ends;
        }

        /** Reads the socket again when the stream and the agent can take more; from any thread. */
        void askToRead() {
            if (socket.eventLoop().inEventLoop()) {
                readMore();
            } else {
                socket.eventLoop().execute(this::readMore);
            }
        }

        private void readMore() {
            if (waiting || !socket.isActive() || !stream.isWritable()) {
                return; // the agent's room or the stream's writability asks again (a closed socket reads no more)
            }
            if (sends.mayRead(wake)) {
                socket.read();
            } else {
                waiting = true;
            }
        }

        private void woken() {
            socket.eventLoop().execute(() -> {
                waiting = false;
                readMore();
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf bytes)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            int size = bytes.readableBytes();
            stats.received(size);
            stream.write(new DefaultHttp2DataFrame(bytes)).addListener(sends.readIn(size));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            stream.flush();
            readMore();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            if (ctx.channel().isWritable()) {
                stream.read(); // the socket drained what came from the stream: take more from it
            }
            super.channelWritabilityChanged(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof ChannelInputShutdownEvent) {
                end();
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            sends.forget(wake);
            stream.close(); // nothing can take the stream's data any more (a reset unless both ends finished)
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ChannelErrors.log(LOG, "relay socket " + ctx.channel().remoteAddress(), cause);
            ctx.close();
        }

        private void end() {
            if (!ended) {
                ended = true;
                stream.writeAndFlush(new DefaultHttp2DataFrame(true));
                ends.endSocketToStream();
            }
        }
    }

    /** From the stream into the socket. */
    private static final class StreamSide extends ChannelInboundHandlerAdapter {
        private final Channel socket;
        private final SocketSide socketSide;
        private final boolean halfClose;
        private final ProxyStats stats;
        private final Ends ends;

        StreamSide(Channel socket, SocketSide socketSide, boolean halfClose, ProxyStats stats, Ends ends) {
            this.socket = socket;
            this.socketSide = socketSide;
            this.halfClose = halfClose;
            this.stats = stats;
            this.ends = ends;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean endStream = false;
            if (msg instanceof Http2DataFrame data) {
                endStream = data.isEndStream();
                int size = data.content().readableBytes();
                int credit = data.initialFlowControlledBytes();
                if (size > 0) {
                    stats.sent(size);
                    stats.queuedToSocket(size);
                    socket.write(data.content().retain()).addListener(written -> {
                        stats.leftSocketQueue(size);
                        giveWindowBack(ctx.channel(), credit);
                    });
                } else if (credit > 0) {
                    giveWindowBack(ctx.channel(), credit); // padding only
                }
            } else if (msg instanceof Http2HeadersFrame headers) {
                endStream = headers.isEndStream(); // trailers end the stream too
            }
            ReferenceCountUtil.release(msg);
            if (endStream) {
                // Ending the socket's output drops what it has not written yet (a slow reader's full
                // buffer), so only once the last byte is out.
                socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> endOutput(written.isSuccess()));
            }
        }

        /**
         * Lets the peer send {@code bytes} more on this stream, once the socket's kernel took them (or
         * the socket failed): what the peer sent stays in its window, and so in the link's receive
         * budget, until then, not only until the relay read it. A stream already closed gave its
         * window back when it closed, and the update fails harmlessly.
         */
        private static void giveWindowBack(Channel stream, int bytes) {
            stream.writeAndFlush(new DefaultHttp2WindowUpdateFrame(bytes));
        }

        /** Once the stream's last byte was written: an unflushed socket is gone, and its inactive event ends the stream. */
        private void endOutput(boolean flushed) {
            if (!halfClose || !(socket instanceof DuplexChannel duplex)) {
                socket.close();
            } else if (flushed) {
                ends.endOutput(duplex);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            socket.flush();
            if (socket.isWritable()) {
                ctx.read(); // else the socket's writability change asks for the next read
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            if (ctx.channel().isWritable()) {
                socketSide.askToRead(); // the stream's window opened again: take more from the socket
            }
            super.channelWritabilityChanged(ctx);
        }

        /**
         * The peer aborted the stream (Netty's multiplexer passes a reset as an event, not a read).
         * Its frames nobody has read yet are dropped with the socket: a stream closed with frames
         * still queued would otherwise wait for a read that a stalled socket never asks for.
         */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof Http2ResetFrame) {
                socket.close(); // its inactive event then closes the stream
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // both ends finished or the stream was reset: nothing more will come or go
            if (socket.isOpen()) { // usually Ends has closed it already
                socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ChannelErrors.log(LOG, "relay stream " + ctx.channel(), cause);
            ctx.close();
        }
    }
}
