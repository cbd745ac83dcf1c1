package io.corvus.agent.proxy.netty;

import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.corvus.agent.proxy.ProxyStats;
import io.netty.handler.codec.http2.Http2FrameCodec;

/**
 * What all of an agent's tunnels hold for their streams' sockets, against the agent-wide mark of its
 * {@link io.corvus.agent.proxy.policy.ReceiveBudget}. Each tunnel's {@link BudgetKeeper} reports
 * when its own figure changes, on its own event loop; while the sum is over the mark, the tunnel
 * holding the most is asked to reset its biggest streams. One per agent; it also hands its keepers
 * the agent's stall timeout for their relayed sockets ({@link StallGuard}).
 */
public final class HeldAcrossTunnels {

    private final ProxyStats stats;
    private final Duration stallTimeout;
    private final Set<BudgetKeeper> tunnels = ConcurrentHashMap.newKeySet();
    private final AtomicLong total = new AtomicLong();

    public HeldAcrossTunnels(ProxyStats stats, Duration stallTimeout) {
        this.stats = stats;
        this.stallTimeout = stallTimeout;
        stats.watchHeldReceived(total::get);
    }

    /** The keeper for a new tunnel connection; it counts until the connection closes. */
    BudgetKeeper keeper(Http2FrameCodec codec) {
        BudgetKeeper keeper = new BudgetKeeper(Tunnel.BUDGET, stallTimeout, codec, this, stats);
        tunnels.add(keeper);
        return keeper;
    }

    /** A tunnel's figure moved by {@code delta}. */
    void changed(long delta) {
        total.addAndGet(delta);
    }

    /** The tunnel is gone, and with it what it held. */
    void leave(BudgetKeeper keeper) {
        if (tunnels.remove(keeper)) {
            total.addAndGet(-keeper.reported());
        }
    }

    /** What the agent's other tunnels hold, as last reported. */
    long heldBeside(BudgetKeeper keeper) {
        return total.get() - keeper.reported();
    }

    /** While the agent is over its mark: the tunnel holding the most resets its biggest streams. */
    void rebalance() {
        if (Tunnel.BUDGET.agentOverdrawn(total.get())) {
            tunnels.stream().max(Comparator.comparingLong(BudgetKeeper::reported)).ifPresent(BudgetKeeper::shedForTheAgent);
        }
    }
}
