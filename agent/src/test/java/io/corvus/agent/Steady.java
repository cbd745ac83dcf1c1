package io.corvus.agent;

import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * An Awaitility condition that holds once a reading has stopped moving: between two polls it
 * changed by at most {@code tolerance}. For "the agent has handed over all it will" or "the agents
 * are idle", where no event says so.
 */
public final class Steady {

    private Steady() {
    }

    public static Callable<Boolean> within(long tolerance, LongSupplier reading) {
        long[] last = {Long.MIN_VALUE};
        return () -> {
            long now = reading.getAsLong();
            boolean steady = last[0] != Long.MIN_VALUE && Math.abs(now - last[0]) <= tolerance;
            last[0] = now;
            return steady;
        };
    }
}
