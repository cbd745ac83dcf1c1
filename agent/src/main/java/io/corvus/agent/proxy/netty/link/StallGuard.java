package io.corvus.agent.proxy.netty.link;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.Errors;
import org.jboss.logging.Logger;

/**
 * Closes a relayed socket that has had bytes waiting for it, and whose kernel has sent none of
 * them, for the stall timeout: a target or a client that stopped reading. Its relay then resets
 * the stream, which frees the stream's window and frames and, at the other gateway, the socket at
 * the far end. Without it such a stream lives until a budget presses, and a client that closed
 * normally behind its stalled bytes is never noticed: its FIN waits behind them.
 * <p>
 * Progress is what the kernel last sent ({@code TCP_INFO}), not what Netty handed it: a reader that
 * takes a little at a time keeps a large send buffer too full to ask Netty for more for many
 * seconds. So the guard watches epoll sockets only, the transport on Linux. A socket with nothing
 * waiting is never closed, however long it is quiet ({@code kubectl logs -f} can be for hours). The
 * guard arms when the socket turns unwritable, at most one timer at a time, so bytes that flow
 * cost nothing but the writability events the relay gets anyway.
 * <p>
 * Bytes that Netty has all handed to the kernel are out of the guard's sight: a short upload whose
 * client then ended, sitting in the kernel's buffers in front of a target that reads nothing,
 * would hold its stream at both gateways for ever. For those the kernel gives up by itself:
 * {@code TCP_USER_TIMEOUT}, set to the same timeout, closes a connection whose buffered data could
 * not be sent for a zero window, or stayed unacknowledged, that long, and the socket fails with
 * {@code ETIMEDOUT}; the guard, ahead of the relay, counts and logs that as a stall too.
 */
final class StallGuard extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(StallGuard.class);
    /** Linux's ETIMEDOUT, the error of a connection its TCP_USER_TIMEOUT closed; Netty names no constant for it. */
    private static final int ETIMEDOUT = 110;

    private final Duration timeout;
    private final ProxyStats stats;
    private ScheduledFuture<?> check;

    StallGuard(Duration timeout, ProxyStats stats) {
        this.timeout = timeout;
        this.stats = stats;
    }

    /** Whether the guard can tell this socket's progress: an epoll socket, whose kernel says when it last sent. */
    static boolean canWatch(Channel socket) {
        return socket instanceof EpollSocketChannel;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ((EpollSocketChannel) ctx.channel()).config().setTcpUserTimeout((int) timeout.toMillis());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Errors.NativeIoException error && error.expectedErr() == -ETIMEDOUT) {
            LOG.infof("socket %s took none of the bytes its kernel held for the stall timeout: closed, and its stream reset",
                    ctx.channel().remoteAddress());
            stats.streamStalled();
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (check == null && !ctx.channel().isWritable()) {
            checkIn(ctx, timeout.toMillis());
        }
        super.channelWritabilityChanged(ctx);
    }

    private void checkIn(ChannelHandlerContext ctx, long millis) {
        check = ctx.executor().schedule(() -> check(ctx), millis, TimeUnit.MILLISECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
        check = null;
        EpollSocketChannel socket = (EpollSocketChannel) ctx.channel();
        if (!socket.isActive() || socket.isOutputShutdown() || socket.isWritable()) {
            return; // closed, its last byte handed over, or drained: a later stall arms again
        }
        long quiet = socket.tcpInfo().lastDataSent(); // ms since the kernel last sent data on it
        if (quiet < timeout.toMillis()) {
            checkIn(ctx, timeout.toMillis() - quiet); // slow, not stalled
            return;
        }
        LOG.infof("socket %s took no byte for %d ms while %d KiB waited for it: closed, and its stream reset", socket.remoteAddress(),
                quiet, socket.unsafe().outboundBuffer().totalPendingWriteBytes() >> 10);
        stats.streamStalled();
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
        super.channelInactive(ctx);
    }
}
