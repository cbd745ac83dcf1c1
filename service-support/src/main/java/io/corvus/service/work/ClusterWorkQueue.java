package io.corvus.service.work;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.random.RandomGenerator;

import io.corvus.events.Backoff;
import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import org.jboss.logging.Logger;

/**
 * The work of a replica that owns whole clusters, one cluster at a time (the model is Strimzi's
 * operator): events only mark a cluster dirty; a small pool of workers reconciles dirty clusters,
 * never two workers the same cluster, and a cluster marked dirty twice before its turn is worked
 * once. A worker that is busy with one cluster (a cloud API that hangs) holds up no other cluster,
 * no consumer and no rebalance: nothing here is locked while a reconcile runs.
 *
 * <p>Work is fenced by the partitions the replica owns. A cluster of a partition this replica does
 * not own is never worked; {@link #release} returns at once, and a reconcile still running for a
 * released cluster finds out at its next {@link Fence#check()} or {@link Fence#whileOwned}, so it
 * neither changes the cloud further nor publishes. Publishing inside {@code whileOwned} and
 * releasing exclude each other: once {@code release} returned, nothing more is published for those
 * clusters by this replica.
 *
 * <p>A reconcile says when to look at its cluster again even if nothing changes (a retry, a poll,
 * a heartbeat that expires); the queue wakes the cluster then. A reconcile that throws is retried
 * with backoff (1 s doubling to 30 s).
 */
public final class ClusterWorkQueue implements AutoCloseable {

    /** What a worker does for one cluster. */
    @FunctionalInterface
    public interface Reconciler {
        /**
         * Brings one cluster where it should be.
         *
         * @return when to reconcile this cluster again even if nothing marks it dirty, or empty
         */
        Optional<Instant> reconcile(String clusterId, Fence fence) throws Exception;
    }

    /** A reconcile's view of whether its cluster is still this replica's. */
    public interface Fence {
        /** Throws {@link Fenced} when the cluster's partition left this replica: call before each change. */
        void check();

        /** Runs {@code action} (a publish) while the partition stays here; throws {@link Fenced} if it left. */
        void whileOwned(Action action) throws Exception;
    }

    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** The cluster's partition went to another replica while its reconcile ran (an adapter that finds out first may throw it too). */
    public static final class Fenced extends RuntimeException {
        public Fenced(String clusterId) {
            super("cluster " + clusterId + " is no longer owned by this replica", null, false, false);
        }
    }

    private static final Logger LOG = Logger.getLogger(ClusterWorkQueue.class);
    private static final Backoff FAILURE_RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    private enum State { IDLE, QUEUED, RUNNING, RUNNING_AND_DIRTY }

    /** One cluster's place in the queue; guarded by its own monitor. */
    private static final class Entry {
        final String clusterId;
        final int partition;
        State state = State.IDLE;
        Instant wakeAt;
        int failures;

        Entry(String clusterId) {
            this.clusterId = clusterId;
            this.partition = ClusterPartitioner.partitionFor(clusterId, Topic.PARTITIONS);
        }
    }

    private record WakeUp(Instant at, Entry entry) {
    }

    private final String name;
    private final Clock clock;
    private final Reconciler reconciler;
    private final RandomGenerator random;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Entry> ready = new LinkedBlockingQueue<>();
    private final ReentrantReadWriteLock ownership = new ReentrantReadWriteLock();
    /** Owned partitions, each with the epoch of its latest {@link #own}: a fence from an earlier ownership stays shut. */
    private final Map<Integer, Long> owned = new ConcurrentHashMap<>();
    private final AtomicLong epochs = new AtomicLong();
    private final ReentrantLock timerLock = new ReentrantLock();
    private final Condition timerChanged = timerLock.newCondition();
    private final PriorityQueue<WakeUp> wakeUps = new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));
    private volatile boolean running;

    public ClusterWorkQueue(String name, Clock clock, Reconciler reconciler) {
        this(name, clock, reconciler, RandomGenerator.getDefault());
    }

    public ClusterWorkQueue(String name, Clock clock, Reconciler reconciler, RandomGenerator random) {
        this.name = name;
        this.clock = clock;
        this.reconciler = reconciler;
        this.random = random;
    }

    /** Starts {@code workers} workers and the timer that wakes clusters, each on a virtual thread. */
    public ClusterWorkQueue start(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("a work queue needs at least one worker, got " + workers);
        }
        running = true;
        for (int i = 0; i < workers; i++) {
            Thread.ofVirtual().name(name + "-worker-" + i).start(this::work);
        }
        Thread.ofVirtual().name(name + "-timer").start(this::wakeDueClusters);
        return this;
    }

    /** Something about this cluster changed: reconcile it soon, once however often this is called before. */
    public void markDirty(String clusterId) {
        enqueue(entries.computeIfAbsent(clusterId, Entry::new));
    }

    /** The replica now owns these partitions, rebuilt: their known clusters are reconciled. */
    public void own(Collection<Integer> partitions) {
        ownership.writeLock().lock();
        try {
            partitions.forEach(partition -> owned.computeIfAbsent(partition, p -> epochs.incrementAndGet()));
        } finally {
            ownership.writeLock().unlock();
        }
        entries.values().stream().filter(e -> partitions.contains(e.partition)).forEach(this::enqueue);
    }

    /**
     * The replica gives these partitions up: their clusters are worked no more. Waits only for
     * publishes under way ({@link Fence#whileOwned}), never for a reconcile.
     */
    public void release(Collection<Integer> partitions) {
        ownership.writeLock().lock();
        try {
            owned.keySet().removeAll(partitions);
        } finally {
            ownership.writeLock().unlock();
        }
        entries.values().removeIf(entry -> {
            synchronized (entry) {
                if (!partitions.contains(entry.partition)) {
                    return false;
                }
                entry.wakeAt = null;
                // a running reconcile keeps its entry, so the cluster never has two workers if it comes back
                return entry.state == State.IDLE || entry.state == State.QUEUED;
            }
        });
    }

    public boolean owns(String clusterId) {
        return owned.containsKey(ClusterPartitioner.partitionFor(clusterId, Topic.PARTITIONS));
    }

    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned.keySet());
    }

    /**
     * Runs, on the calling thread, every reconcile that is due now by the queue's clock, until none
     * is: how tests and tools drive a queue that was not {@link #start started}.
     */
    public void runDue() {
        if (running) {
            throw new IllegalStateException("work queue " + name + " runs its own workers");
        }
        promoteDueWakeUps();
        for (Entry entry = ready.poll(); entry != null; entry = ready.poll()) {
            runOne(entry);
            promoteDueWakeUps();
        }
    }

    private void enqueue(Entry entry) {
        synchronized (entry) {
            switch (entry.state) {
                case IDLE -> {
                    if (owned.containsKey(entry.partition)) {
                        entry.state = State.QUEUED;
                        ready.add(entry);
                    }
                }
                case RUNNING -> entry.state = State.RUNNING_AND_DIRTY;
                case QUEUED, RUNNING_AND_DIRTY -> { } // already due: worked once
            }
        }
    }

    private void work() {
        while (running) {
            try {
                Entry entry = ready.poll(1, TimeUnit.SECONDS);
                if (entry != null) {
                    runOne(entry);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void runOne(Entry entry) {
        synchronized (entry) {
            if (entry.state != State.QUEUED) {
                return;
            }
            entry.state = State.RUNNING;
        }
        Optional<Instant> next = Optional.empty();
        try {
            next = reconcile(entry);
        } finally {
            finish(entry, next);
        }
    }

    private Optional<Instant> reconcile(Entry entry) {
        Long epoch = owned.get(entry.partition);
        if (epoch == null) {
            return Optional.empty();
        }
        try {
            Optional<Instant> next = reconciler.reconcile(entry.clusterId, new EntryFence(entry, epoch));
            entry.failures = 0;
            return next;
        } catch (Fenced fenced) {
            LOG.infof("%s: cluster %s left this replica during its reconcile; stopped there", name, entry.clusterId);
            return Optional.empty();
        } catch (Exception e) {
            entry.failures++;
            Duration wait = FAILURE_RETRY.delay(entry.failures, random);
            LOG.warnf(e, "%s: cluster %s: the reconcile failed (%s); again in %d ms", name, entry.clusterId, e.getMessage(),
                    wait.toMillis());
            return Optional.of(clock.instant().plus(wait));
        }
    }

    private void finish(Entry entry, Optional<Instant> next) {
        synchronized (entry) {
            boolean stillOwned = owned.containsKey(entry.partition);
            if (entry.state == State.RUNNING_AND_DIRTY && stillOwned) {
                entry.state = State.QUEUED;
                ready.add(entry);
            } else {
                entry.state = State.IDLE;
            }
            if (!stillOwned) {
                entries.remove(entry.clusterId, entry);
                return;
            }
            entry.wakeAt = next.orElse(null);
        }
        next.ifPresent(at -> schedule(entry, at));
    }

    private void schedule(Entry entry, Instant at) {
        timerLock.lock();
        try {
            wakeUps.add(new WakeUp(at, entry));
            timerChanged.signal();
        } finally {
            timerLock.unlock();
        }
    }

    /** The timer: sleeps until the earliest wake-up, then marks what is due. */
    private void wakeDueClusters() {
        while (running) {
            timerLock.lock();
            try {
                WakeUp first = wakeUps.peek();
                long waitMillis = first == null ? 1000 : Duration.between(clock.instant(), first.at()).toMillis();
                if (waitMillis > 0) {
                    timerChanged.await(Math.min(waitMillis, 1000), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                timerLock.unlock();
            }
            promoteDueWakeUps();
        }
    }

    private void promoteDueWakeUps() {
        Instant now = clock.instant();
        while (true) {
            WakeUp due;
            timerLock.lock();
            try {
                WakeUp first = wakeUps.peek();
                if (first == null || first.at().isAfter(now)) {
                    return;
                }
                due = wakeUps.poll();
            } finally {
                timerLock.unlock();
            }
            boolean current;
            synchronized (due.entry()) {
                // a later reconcile may have replaced (or cancelled) this wake-up
                current = due.at().equals(due.entry().wakeAt);
                if (current) {
                    due.entry().wakeAt = null;
                }
            }
            if (current) {
                enqueue(due.entry());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        timerLock.lock();
        try {
            timerChanged.signalAll();
        } finally {
            timerLock.unlock();
        }
    }

    private final class EntryFence implements Fence {
        private final Entry entry;
        private final long epoch;

        EntryFence(Entry entry, long epoch) {
            this.entry = entry;
            this.epoch = epoch;
        }

        @Override
        public void check() {
            if (!Long.valueOf(epoch).equals(owned.get(entry.partition))) {
                throw new Fenced(entry.clusterId);
            }
        }

        @Override
        public void whileOwned(Action action) throws Exception {
            ownership.readLock().lock();
            try {
                check();
                action.run();
            } finally {
                ownership.readLock().unlock();
            }
        }
    }
}
