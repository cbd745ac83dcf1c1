package io.corvus.agent.proxy.netty.link;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.corvus.agent.proxy.SendBudget;
import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * What all of an agent's relays have read from their sockets and not yet handed to a link, kept
 * within its {@link SendBudget}. A relay counts each read in and the frame's write out once the
 * link took it (or the stream failed); it asks {@link #mayRead} before it reads again and, at the
 * mark, waits to be woken; a relay whose socket closes meanwhile leaves ({@link #forget}), or a
 * long overload would keep every closed connection that arrived during it reachable. Every
 * relayed socket reads through {@link #reads()}, which cuts each read to the room left. One per
 * agent, shared by its event loops.
 */
public final class HeldToSend {

    private final SendBudget budget;
    private final ProxyStats stats;
    private final AtomicLong held = new AtomicLong();
    private final Set<Runnable> waiting = ConcurrentHashMap.newKeySet();
    private final RecvByteBufAllocator reads = new CutToRoom();

    public HeldToSend(SendBudget budget, ProxyStats stats) {
        this.budget = budget;
        this.stats = stats;
        stats.watchHeldToSend(held::get, waiting::size);
    }

    /** The read allocator for every socket a relay may join, set when the socket is made (a channel keeps its first one). */
    public RecvByteBufAllocator reads() {
        return reads;
    }

    /** Counts bytes just read from a socket in; the listener, put on their write to the stream, counts them out. */
    ChannelFutureListener readIn(int bytes) {
        held.addAndGet(bytes);
        return written -> sentOut(bytes);
    }

    private void sentOut(int bytes) {
        if (budget.roomAgain(held.addAndGet(-bytes)) && !waiting.isEmpty()) {
            wakeAll();
        }
    }

    /**
     * True when a relay may read its socket now. Otherwise {@code wake} runs once there is room
     * again, from whichever thread made it; the relay must not read until then.
     */
    boolean mayRead(Runnable wake) {
        if (!budget.full(held.get())) {
            return true;
        }
        stats.readPaused();
        waiting.add(wake);
        if (budget.roomAgain(held.get())) {
            wakeAll(); // the room came back before the relay was queued, so nobody else saw it waiting
        }
        return false;
    }

    /** The relay's socket closed: it will not read again. */
    void forget(Runnable wake) {
        waiting.remove(wake);
    }

    private void wakeAll() {
        for (Runnable wake : waiting) {
            if (waiting.remove(wake)) { // else another thread woke it
                wake.run();
            }
        }
    }

    /** Netty's adaptive read sizes, each cut to the room left under the mark. */
    private final class CutToRoom implements RecvByteBufAllocator {
        private final AdaptiveRecvByteBufAllocator adaptive = new AdaptiveRecvByteBufAllocator();

        @Override
        public Handle newHandle() {
            return new CutHandle((ExtendedHandle) adaptive.newHandle());
        }
    }

    /** Netty's delegating handle, extended as its epoll transport requires (as its own epoll handle is). */
    private final class CutHandle extends RecvByteBufAllocator.DelegatingHandle implements RecvByteBufAllocator.ExtendedHandle {

        CutHandle(RecvByteBufAllocator.ExtendedHandle sizes) {
            super(sizes);
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return alloc.ioBuffer(guess());
        }

        @Override
        public int guess() {
            return budget.readSize(delegate().guess(), held.get());
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return ((RecvByteBufAllocator.ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
        }
    }
}
