package io.corvus.agent.boot;

import java.time.Duration;

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
    /** The thread waiting out the grace, if a restart is due; guarded by this. */
    private Thread waiting;

    /** @param restart run on a thread of its own (not the topology follower's, which stopping the agent waits for) */
    RestartWhenRoleGone(Duration grace, Runnable restart) {
        this.grace = grace;
        this.restart = restart;
    }

    @Override
    public synchronized void roleGone() {
        waiting = Thread.ofPlatform().daemon().name("agent-restart").start(this::restartAfterTheGrace);
    }

    @Override
    public synchronized void roleBack() {
        if (waiting != null) {
            waiting.interrupt();
            waiting = null;
        }
    }

    /** Whether a restart waits for its grace to end. */
    synchronized boolean restartDue() {
        return waiting != null && waiting.isAlive();
    }

    private void restartAfterTheGrace() {
        try {
            Thread.sleep(grace);
        } catch (InterruptedException roleBack) {
            return;
        }
        synchronized (this) {
            if (waiting != Thread.currentThread()) {
                return; // the role came back while the grace ended
            }
            waiting = null;
        }
        restart.run();
    }
}
