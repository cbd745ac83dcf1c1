package io.corvus.agent.status;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import io.corvus.agent.boot.AgentSettings;
import io.corvus.events.EventKey;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.payload.AgentHeartbeat;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Publishes this node's heartbeat to {@code corvus.agent-status.v1} at the configured interval. A
 * heartbeat that cannot be delivered is dropped, not queued: the next one carries fresher news.
 */
@Startup
@Singleton
public class Heartbeats {

    private static final Logger LOG = Logger.getLogger(Heartbeats.class);

    private final AgentSettings settings;
    private final EventPublisher publisher;
    private final Clock clock;
    private final AtomicReference<String> lastFailure = new AtomicReference<>();

    Heartbeats(AgentSettings settings, EventPublisher publisher, Clock clock) {
        this.settings = settings;
        this.publisher = publisher;
        this.clock = clock;
    }

    @PostConstruct
    void checkIdentity() {
        EventKey.of(settings.clusterId(), settings.nodeName()); // fails start-up with the rule that was broken
    }

    @Scheduled(every = "${corvus.agent.heartbeat-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void beat() {
        AgentHeartbeat heartbeat = new AgentHeartbeat(settings.clusterId(), settings.nodeName(), clock.instant(),
                Set.of(), 0, 0, List.of(), 0, 0, null, null, null);
        publisher.publish(heartbeat).whenComplete((metadata, error) -> {
            String failure = error == null ? null : error.getMessage();
            String previous = lastFailure.getAndSet(failure);
            if (failure != null && !failure.equals(previous)) {
                LOG.warnf("heartbeat not delivered: %s", failure);
            } else if (failure == null && previous != null) {
                LOG.info("heartbeats are delivered again");
            }
        });
    }
}
