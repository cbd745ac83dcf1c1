package io.corvus.events;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": the n-th wait is a random point in the upper half of
 * {@code min(longest, first * 2^(n-1))}, so retries of many clusters or replicas spread out but
 * never come sooner than half the nominal delay.
 */
public record Backoff(Duration first, Duration longest) {

    public Backoff {
        if (first.isNegative() || first.isZero() || longest.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= longest, got " + first + " and " + longest);
        }
    }

    /** The wait before retry number {@code attempt} (1 for the first retry). */
    public Duration delay(int attempt, RandomGenerator random) {
        long nominal = first.toMillis() << Math.min(Math.max(attempt - 1, 0), 30);
        long capped = Math.min(nominal <= 0 ? Long.MAX_VALUE : nominal, longest.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(capped - half + (half == 0 ? 0 : random.nextLong(half + 1)));
    }
}
