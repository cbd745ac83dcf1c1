package io.corvus.agent.boot;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.corvus.agent.topology.GatewayRoleLoss;

/**
 * Restarts the agent once its node's gateway role has stayed gone for a grace period. A role that
 * comes back sooner (tunnel mode switched off and on again, an election undone) keeps the JVM that
 * has its code compiled: restarted at once, every such change met a cold JVM and reached traffic in
 * 1.7-4.1 s instead of about 0.4 s (bench/tunnel.sh, BENCHMARKS.md).
 */
final class RestartWhenRoleGone implements GatewayRoleLoss.Listener {

    private final Duration grace;
    private final Runnable restart;
    /** Its one thread starts with the first loss: a node that never loses a role has none. */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("agent-restart").factory());
    /** The restart waiting out the grace, if one is due; guarded by this. */
    private ScheduledFuture<?> due;

    /** @param restart run on a thread of its own (not the topology follower's, which stopping the agent waits for) */
    RestartWhenRoleGone(Duration grace, Runnable restart) {
        this.grace = grace;
        this.restart = restart;
    }

    @Override
    public synchronized void roleGone() {
        due = timer.schedule(restart, grace.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Calls a restart off that has not begun; one already stopping the agent goes on, and the new program takes the role. */
    @Override
    public synchronized void roleBack() {
        if (due != null) {
            due.cancel(false);
            due = null;
        }
    }

    /** Whether a restart waits for its grace to end or is under way. */
    synchronized boolean restartDue() {
        return due != null && !due.isDone();
    }
}
