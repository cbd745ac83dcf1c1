package io.corvus.config.adapter.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.corvus.events.Topic;
import io.corvus.events.kafka.EventHandler;
import io.corvus.events.kafka.ReceivedEvent;
import io.corvus.events.view.Overview;
import io.corvus.events.view.OverviewSnapshot;
import io.corvus.service.EventPumps;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Follows every Corvus topic into an {@link Overview} for the topology page: the configurations,
 * nodes, topologies, provisioning steps and cloud states from their beginning, the heartbeats of the
 * last few minutes (an hour of them is on the topic, and only each node's latest counts).
 */
@Singleton
public class OverviewFollower implements EventHandler {

    static final Duration HEARTBEAT_LOOK_BACK = Duration.ofMinutes(5);

    private final Overview overview = new Overview();
    private final AtomicLong changes = new AtomicLong();
    private final Clock clock;

    OverviewFollower(Clock clock) {
        this.clock = clock;
    }

    void start(@Observes StartupEvent startup, EventPumps pumps) {
        Map<Topic, Instant> startAt = new EnumMap<>(Topic.class);
        for (Topic topic : Topic.values()) {
            startAt.put(topic, topic == Topic.AGENT_STATUS ? clock.instant().minus(HEARTBEAT_LOOK_BACK) : Instant.EPOCH);
        }
        pumps.follow("overview", this, startAt);
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

    /** Every cluster as the topics describe it now. */
    public OverviewSnapshot snapshot() {
        synchronized (overview) {
            return overview.snapshot(clock.instant());
        }
    }

    /** Grows with every event read: a reader that saw the same count has nothing new to show. */
    public long changeCount() {
        return changes.get();
    }
}
