package io.corvus.config.adapter.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.corvus.config.app.OverviewFeed;
import io.corvus.events.Backoff;
import io.corvus.events.Topic;
import io.corvus.events.kafka.EventHandler;
import io.corvus.events.kafka.ReceivedEvent;
import io.corvus.events.view.Overview;
import io.corvus.events.view.OverviewSnapshot;
import io.corvus.service.EventPumps;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.apache.kafka.common.KafkaException;
import org.jboss.logging.Logger;

/**
 * Follows every Corvus topic into an {@link Overview} for the topology page: the configurations,
 * nodes, topologies, provisioning steps and cloud states from their beginning, the heartbeats of the
 * last few minutes (an hour of them is on the topic, and only each node's latest counts).
 */
@Singleton
public class OverviewFollower implements EventHandler, OverviewFeed {

    static final Duration HEARTBEAT_LOOK_BACK = Duration.ofMinutes(5);
    private static final Backoff RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(15));
    private static final Logger LOG = Logger.getLogger(OverviewFollower.class);

    private final Overview overview = new Overview();
    private final AtomicLong changes = new AtomicLong();
    private final Clock clock;
    private final CountDownLatch stopping = new CountDownLatch(1);

    OverviewFollower(Clock clock) {
        this.clock = clock;
    }

    /** Off the start-up thread: where the heartbeats of five minutes ago are, only the broker can say, and it may be away. */
    void start(@Observes StartupEvent startup, EventPumps pumps) {
        Thread.ofVirtual().name("overview-start").start(() -> followOnceTheBrokerAnswers(pumps));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopping.countDown();
    }

    private void followOnceTheBrokerAnswers(EventPumps pumps) {
        for (int attempt = 1; ; attempt++) {
            Map<Topic, Instant> startAt = new EnumMap<>(Topic.class);
            for (Topic topic : Topic.values()) {
                startAt.put(topic, topic == Topic.AGENT_STATUS ? clock.instant().minus(HEARTBEAT_LOOK_BACK) : Instant.EPOCH);
            }
            try {
                pumps.follow("overview", this, startAt);
                return;
            } catch (KafkaException e) {
                LOG.warnf("the overview cannot start reading yet (%s); trying again", e.getMessage());
            }
            try {
                if (stopping.await(RETRY.delay(attempt, ThreadLocalRandom.current()).toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void onEvent(ReceivedEvent event) {
        synchronized (overview) {
            overview.apply(event.payload());
        }
        changes.incrementAndGet();
    }

    @Override
    public void onTombstone(Topic topic, String key) {
        synchronized (overview) {
            overview.remove(topic, key);
        }
        changes.incrementAndGet();
    }

    @Override
    public OverviewSnapshot snapshot() {
        synchronized (overview) {
            return overview.snapshot(clock.instant());
        }
    }

    @Override
    public long changeCount() {
        return changes.get();
    }
}
