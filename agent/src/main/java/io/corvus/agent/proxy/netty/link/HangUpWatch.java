package io.corvus.agent.proxy.netty.link;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.jboss.logging.Logger;

/**
 * Closes a relayed socket whose peer went away after it had ended its output: a client that sent
 * its request, shut its side, then reset the connection. Netty's epoll transport reports nothing
 * then (the input is shut down, so it reads no more and sees no error), and a relay with nothing to
 * write never learns; with the far side quiet, the stream and both sockets would stay open until
 * the far side ended. The kernel knows: from the end of the socket's input, its TCP state is looked
 * at every {@link #EVERY}, and once the kernel has closed the connection the socket is closed here
 * too, which resets its stream. Epoll sockets only, as for {@link StallGuard}.
 */
final class HangUpWatch extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(HangUpWatch.class);

    private static final Duration EVERY = Duration.ofSeconds(1);
    /** {@code TCP_CLOSE} in Linux's tcp_states.h: the connection is gone, by a reset or a timeout. */
    private static final int TCP_CLOSE = 7;

    private ScheduledFuture<?> next;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof ChannelInputShutdownEvent && next == null) {
            checkSoon(ctx);
        }
        super.userEventTriggered(ctx, event);
    }

    /** Cancelled at once, not left to find the socket closed: a pending check keeps its channel reachable. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (next != null) {
            next.cancel(false);
        }
        super.channelInactive(ctx);
    }

    private void checkSoon(ChannelHandlerContext ctx) {
        next = ctx.executor().schedule(() -> check(ctx), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
        EpollSocketChannel socket = (EpollSocketChannel) ctx.channel();
        if (socket.tcpInfo().state() == TCP_CLOSE) {
            LOG.debugf("socket %s: the peer went away after ending its output; closed, and its stream reset", socket.remoteAddress());
            ctx.close();
        } else {
            checkSoon(ctx);
        }
    }
}
