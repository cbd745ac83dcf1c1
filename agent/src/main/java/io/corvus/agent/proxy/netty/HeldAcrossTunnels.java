package io.corvus.agent.proxy.netty;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.corvus.agent.proxy.ProxyStats;
import io.corvus.agent.proxy.policy.ReceiveBudget;
import io.netty.handler.codec.http2.Http2FrameCodec;

/**
 * What all of an agent's tunnels hold unread, against the agent-wide mark of its
 * {@link ReceiveBudget}. Each tunnel's {@link BudgetKeeper} reports its own figure after every read
 * from its connection, on its own event loop; while the sum is over the mark, the tunnel holding
 * the most is asked to reset its biggest stream. One per agent.
 */
public final class HeldAcrossTunnels {

    private final ReceiveBudget budget;
    private final ProxyStats stats;
    private final Map<BudgetKeeper, Long> reported = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();

    public HeldAcrossTunnels(ProxyStats stats) {
        this(Tunnel.BUDGET, stats);
    }

    HeldAcrossTunnels(ReceiveBudget budget, ProxyStats stats) {
        this.budget = budget;
        this.stats = stats;
        stats.watchHeldUnread(total::get);
    }

    /** The keeper for a new tunnel connection. */
    BudgetKeeper keeper(Http2FrameCodec codec) {
        return new BudgetKeeper(budget, codec, this, stats);
    }

    /** A tunnel's keeper says what its tunnel holds now; returns what the agent holds. */
    long report(BudgetKeeper keeper, long held) {
        Long before = reported.put(keeper, held);
        return total.addAndGet(held - (before == null ? 0 : before));
    }

    /** The tunnel is gone, and with it what it held. */
    void leave(BudgetKeeper keeper) {
        Long before = reported.remove(keeper);
        if (before != null) {
            total.addAndGet(-before);
        }
    }

    /** What the agent's other tunnels hold, as last reported. */
    long heldBeside(BudgetKeeper keeper) {
        return total.get() - reported.getOrDefault(keeper, 0L);
    }

    /** While the agent is over its mark: the tunnel holding the most resets its biggest stream. */
    void rebalance() {
        if (budget.agentOverdrawn(total.get())) {
            reported.entrySet().stream().max(Map.Entry.comparingByValue()).ifPresent(most -> most.getKey().shedForTheAgent());
        }
    }
}
