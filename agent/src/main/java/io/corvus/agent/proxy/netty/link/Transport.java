package io.corvus.agent.proxy.netty.link;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.jboss.logging.Logger;

/**
 * The sockets under the data path: Linux epoll through Netty's native library where it loads (fewer
 * system calls and wake-ups per read and write than Java's selector), else Java NIO. The event loop
 * group decides; every channel on it must be of the matching kind.
 */
public final class Transport {

    private static final Logger LOG = Logger.getLogger(Transport.class);

    private Transport() {
    }

    /**
     * A group of the best transport this machine offers, with {@code threads} loops or, given 0, one
     * per core: the data path never blocks, so more loops than cores only add wake-ups and hand-overs.
     */
    public static EventLoopGroup group(int threads) {
        int loops = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        if (Epoll.isAvailable()) {
            return new EpollEventLoopGroup(loops);
        }
        LOG.warnf("Linux epoll is not available (%s): relayed sockets use Java NIO, without the stall guard and the hang-up "
                + "watch, so a peer that stops reading or vanishes after ending its side holds its stream until a budget "
                + "presses. Netty unpacks its native library into java.io.tmpdir: give it a folder that allows executables "
                + "(io.netty.native.workdir) on Linux", Epoll.unavailabilityCause());
        return new NioEventLoopGroup(loops);
    }

    /** Which transport a group runs, for the logs. */
    public static String name(EventLoopGroup group) {
        return isEpoll(group) ? "epoll" : "nio";
    }

    public static Class<? extends ServerChannel> serverChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends SocketChannel> socketChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** A single event loop belongs to its group ({@code parent()}); a group has none. */
    private static boolean isEpoll(EventLoopGroup group) {
        EventLoopGroup owner = group instanceof EventLoop loop && loop.parent() != null ? loop.parent() : group;
        return owner instanceof EpollEventLoopGroup;
    }
}
