package io.corvus.agent.status;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

import io.corvus.agent.boot.AgentSettings;
import io.corvus.agent.proxy.ProxyRuntime;
import io.corvus.agent.proxy.ProxyStats;
import io.corvus.agent.topology.ClusterView;
import io.corvus.events.EventKey;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.payload.AgentHeartbeat;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Publishes this node's heartbeat to {@code corvus.agent-status.v1} at the configured interval:
 * what it does (roles), which topology it applied, its proxy streams, peers and bytes, the address
 * the cloud side sees it from, and its tunnel server's port when that is not the default. A
 * heartbeat that cannot be delivered is dropped, not queued: the next one carries fresher news.
 */
@Startup
@Singleton
public class Heartbeats {

    private static final Logger LOG = Logger.getLogger(Heartbeats.class);

    private final AgentSettings settings;
    private final EventPublisher publisher;
    private final Clock clock;
    private final ProxyRuntime runtime;
    private final ProxyStats stats;
    private final AtomicReference<String> lastFailure = new AtomicReference<>();

    Heartbeats(AgentSettings settings, EventPublisher publisher, Clock clock, ProxyRuntime runtime, ProxyStats stats) {
        this.settings = settings;
        this.publisher = publisher;
        this.clock = clock;
        this.runtime = runtime;
        this.stats = stats;
    }

    @PostConstruct
    void checkIdentity() {
        EventKey.of(settings.clusterId(), settings.nodeName()); // fails start-up with the rule that was broken
    }

    @Scheduled(every = "${corvus.agent.heartbeat-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void beat() {
        ProxyRuntime.Status status = runtime.status();
        int port = settings.proxy().tunnelPort();
        AgentHeartbeat heartbeat = new AgentHeartbeat(settings.clusterId(), settings.nodeName(), clock.instant(), status.roles(),
                runtime.view().generation(), stats.openStreams(), status.peers(), stats.bytesIn(), stats.bytesOut(),
                status.observedAddress(), null, port == ClusterView.TUNNEL_SERVER_PORT || port == 0 ? null : port);
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
