package io.corvus.wireguard.linux;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Spreads the sealing or opening of one batch of messages over the thread that read the batch and
 * a few helper threads, and returns once every message is done, so that the batch still leaves in
 * its order. A batch too small to share, or a device without helpers, is done on the calling
 * thread alone.
 */
final class CryptoHelpers implements AutoCloseable {

    /** Fewer messages than this per thread are not worth handing over (a hand-over costs a thread's wake-up). */
    static final int MIN_PER_THREAD = 8;
    private final int count;
    private final ExecutorService helpers;

    CryptoHelpers(int count, String name) {
        if (count < 0) {
            throw new IllegalArgumentException("a device has zero or more crypto helper threads, not " + count);
        }
        this.count = count;
        this.helpers = count == 0 ? null : Executors.newFixedThreadPool(count, Thread.ofPlatform().daemon().name(name + "-", 1).factory());
    }

    int count() {
        return count;
    }

    /** Runs {@code work} for every index below {@code items}, in parts on this thread and the helpers; returns when all ran. */
    void forEach(int items, IntConsumer work) {
        int parts = helpers == null ? 1 : Math.min(count + 1, items / MIN_PER_THREAD);
        if (parts <= 1) {
            run(work, 0, items);
            return;
        }
        Future<?>[] others = new Future<?>[parts - 1];
        for (int part = 1; part < parts; part++) {
            int from = (int) ((long) items * part / parts);
            int to = (int) ((long) items * (part + 1) / parts);
            others[part - 1] = helpers.submit(() -> run(work, from, to));
        }
        run(work, 0, (int) ((long) items / parts));
        for (Future<?> other : others) {
            awaitPart(other);
        }
    }

    private static void run(IntConsumer work, int from, int to) {
        for (int i = from; i < to; i++) {
            work.accept(i);
        }
    }

    private static void awaitPart(Future<?> part) {
        try {
            part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while helpers sealed or opened a batch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            throw new IllegalStateException("a crypto helper failed", e.getCause());
        }
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdownNow();
        }
    }
}
