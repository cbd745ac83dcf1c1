package io.corvus.service.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import io.corvus.testing.TestClock;
import org.junit.jupiter.api.Test;

class ClusterWorkQueueTest {

    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    private final TestClock clock = new TestClock(Instant.parse("2026-12-04T08:00:00Z"));

    @Test
    void aClusterMarkedDirtyTwiceBeforeItsTurnIsWorkedOnce() {
        ClusterWorkQueue queue = new ClusterWorkQueue("test", clock, counting());
        queue.own(allPartitions());

        queue.markDirty("c1");
        queue.markDirty("c1");
        queue.runDue();

        assertThat(runs.get("c1")).hasValue(1);
    }

    @Test
    void aClusterOfAPartitionThisReplicaDoesNotOwnIsWorkedOnlyOnceItIsOwned() {
        ClusterWorkQueue queue = new ClusterWorkQueue("test", clock, counting());

        queue.markDirty("c1");
        queue.runDue();
        assertThat(runs).doesNotContainKey("c1");

        queue.own(List.of(partitionOf("c1")));
        queue.runDue();
        assertThat(runs.get("c1")).hasValue(1);
    }

    @Test
    void aClusterIsWokenWhenItsReconcileAskedToBeLookedAtAgain() {
        ClusterWorkQueue queue = new ClusterWorkQueue("test", clock,
                (cluster, fence) -> {
                    runs.computeIfAbsent(cluster, c -> new AtomicInteger()).incrementAndGet();
                    return Optional.of(clock.instant().plusSeconds(5));
                });
        queue.own(allPartitions());
        queue.markDirty("c1");
        queue.runDue();

        clock.advance(Duration.ofSeconds(4));
        queue.runDue();
        assertThat(runs.get("c1")).as("not before its time").hasValue(1);

        clock.advance(Duration.ofSeconds(1));
        queue.runDue();
        assertThat(runs.get("c1")).hasValue(2);
    }

    @Test
    void aReconcileThatThrowsIsRetriedAfterABackoff() {
        AtomicInteger attempts = new AtomicInteger();
        ClusterWorkQueue queue = new ClusterWorkQueue("test", clock, (cluster, fence) -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("the cloud said no");
            }
            return Optional.empty();
        });
        queue.own(allPartitions());
        queue.markDirty("c1");
        queue.runDue();
        queue.runDue();
        assertThat(attempts).as("the retry waits").hasValue(1);

        clock.advance(Duration.ofSeconds(1));
        queue.runDue();
        assertThat(attempts).hasValue(2);
    }

    @Test
    void oneHangingClusterHoldsUpNeitherTheOthersNorARelease() throws Exception {
        CountDownLatch hanging = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicReference<Exception> afterRelease = new AtomicReference<>();
        List<String> finished = Collections.synchronizedList(new ArrayList<>());
        ClusterWorkQueue queue = new ClusterWorkQueue("test", Clock.systemUTC(), (cluster, fence) -> {
            if (cluster.equals("hangs")) {
                hanging.countDown();
                letGo.await();
                try {
                    fence.whileOwned(() -> finished.add(cluster));
                } catch (ClusterWorkQueue.Fenced e) {
                    afterRelease.set(e);
                }
                return Optional.empty();
            }
            fence.whileOwned(() -> finished.add(cluster));
            return Optional.empty();
        }).start(2);
        try {
            queue.own(allPartitions());
            queue.markDirty("hangs");
            assertThat(hanging.await(10, TimeUnit.SECONDS)).isTrue();
            List<String> others = IntStream.range(0, 20).mapToObj(i -> "c" + i).toList();
            others.forEach(queue::markDirty);

            await().atMost(Duration.ofSeconds(20)).until(() -> finished.containsAll(others));
            queue.release(allPartitions());
            assertThat(queue.ownedPartitions()).as("the release did not wait for the hanging reconcile").isEmpty();

            letGo.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> afterRelease.get() != null);
            assertThat(finished).doesNotContain("hangs");
        } finally {
            letGo.countDown();
            queue.close();
        }
    }

    @Test
    void neverTwoWorkersOnOneCluster() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger total = new AtomicInteger();
        ClusterWorkQueue queue = new ClusterWorkQueue("test", Clock.systemUTC(), (cluster, fence) -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            Thread.onSpinWait();
            inside.decrementAndGet();
            total.incrementAndGet();
            return Optional.empty();
        }).start(4);
        try {
            queue.own(allPartitions());
            for (int i = 0; i < 2_000; i++) {
                queue.markDirty("c1");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> total.get() > 0 && inside.get() == 0);
            assertThat(most).hasValue(1);
        } finally {
            queue.close();
        }
    }

    @Test
    void aReleasedClusterCanNoLongerPublish() {
        AtomicReference<ClusterWorkQueue.Fence> kept = new AtomicReference<>();
        ClusterWorkQueue queue = new ClusterWorkQueue("test", clock, (cluster, fence) -> {
            kept.set(fence);
            return Optional.empty();
        });
        queue.own(allPartitions());
        queue.markDirty("c1");
        queue.runDue();

        queue.release(List.of(partitionOf("c1")));

        assertThatThrownBy(() -> kept.get().whileOwned(() -> { })).isInstanceOf(ClusterWorkQueue.Fenced.class);
        assertThatThrownBy(kept.get()::check).isInstanceOf(ClusterWorkQueue.Fenced.class);

        queue.own(List.of(partitionOf("c1")));
        assertThatThrownBy(kept.get()::check).as("a reconcile from before the release stays fenced when the partition comes back")
                .isInstanceOf(ClusterWorkQueue.Fenced.class);
    }

    private ClusterWorkQueue.Reconciler counting() {
        return (cluster, fence) -> {
            runs.computeIfAbsent(cluster, c -> new AtomicInteger()).incrementAndGet();
            return Optional.empty();
        };
    }

    private static List<Integer> allPartitions() {
        return IntStream.range(0, Topic.PARTITIONS).boxed().toList();
    }

    private static int partitionOf(String clusterId) {
        return ClusterPartitioner.partitionFor(clusterId, Topic.PARTITIONS);
    }
}
