package io.corvus.agent.proxy.netty.link;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.netty.channel.EventLoopGroup;

/**
 * The agent's event loops, made when a role first needs a socket: a node that never becomes a
 * proxy or tunnel gateway (most nodes) never loads Netty's native transport nor opens its epoll
 * descriptors. Once made they stay until {@link #shutdown}.
 */
public final class EventLoops implements Supplier<EventLoopGroup> {

    private final int threads;
    private volatile EventLoopGroup group;

    /** @param threads event loop threads (0: one per core) */
    public EventLoops(int threads) {
        this.threads = threads;
    }

    /**
     * Without the lock once made: an event loop asks for its group (a presence connection dialling
     * again) while {@link #shutdown} holds the lock and waits for the loops to end.
     */
    @Override
    public EventLoopGroup get() {
        EventLoopGroup made = group;
        if (made == null) {
            synchronized (this) {
                made = group;
                if (made == null) {
                    made = Transport.group(threads);
                    group = made;
                }
            }
        }
        return made;
    }

    /** The transport's name for the logs ({@code epoll}, {@code nio}), or {@code no} while none is made. */
    public String transport() {
        EventLoopGroup made = group;
        return made == null ? "no" : Transport.name(made);
    }

    public synchronized void shutdown() {
        if (group != null && !group.isShuttingDown()) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
