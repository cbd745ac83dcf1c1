package io.corvus.agent.proxy.netty.link;

import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.netty.handler.codec.http2.Http2FrameCodec;

/**
 * What all of an agent's links hold for their streams' sockets, against the agent-wide mark of its
 * {@link io.corvus.agent.proxy.ReceiveBudget}. Each link's {@link BudgetKeeper} reports
 * when its own figure changes, on its own event loop; while the sum is over the mark, the link
 * holding the most is asked to reset its biggest streams. One per agent; it also hands its keepers
 * the agent's stall timeout for their relayed sockets ({@link StallGuard}).
 */
public final class HeldAcrossLinks {

    private final ProxyStats stats;
    private final Duration stallTimeout;
    private final Set<BudgetKeeper> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong total = new AtomicLong();

    public HeldAcrossLinks(ProxyStats stats, Duration stallTimeout) {
        this.stats = stats;
        this.stallTimeout = stallTimeout;
        stats.watchHeldReceived(total::get);
    }

    /** The keeper for a new link connection; it counts until the connection closes. */
    BudgetKeeper keeper(Http2FrameCodec codec) {
        BudgetKeeper keeper = new BudgetKeeper(ProxyLink.BUDGET, stallTimeout, codec, this, stats);
        links.add(keeper);
        return keeper;
    }

    /** A link's figure moved by {@code delta}. */
    void changed(long delta) {
        total.addAndGet(delta);
    }

    /** The link is gone, and with it what it held. */
    void leave(BudgetKeeper keeper) {
        if (links.remove(keeper)) {
            total.addAndGet(-keeper.reported());
        }
    }

    /** What the agent's other links hold, as last reported. */
    long heldBeside(BudgetKeeper keeper) {
        return total.get() - keeper.reported();
    }

    /** While the agent is over its mark: the link holding the most resets its biggest streams. */
    void rebalance() {
        if (ProxyLink.BUDGET.agentOverdrawn(total.get())) {
            links.stream().max(Comparator.comparingLong(BudgetKeeper::reported)).ifPresent(BudgetKeeper::shedForTheAgent);
        }
    }
}
