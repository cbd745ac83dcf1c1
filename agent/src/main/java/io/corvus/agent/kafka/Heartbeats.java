package io.corvus.agent.kafka;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

import io.corvus.agent.proxy.ProxyState;
import io.corvus.agent.proxy.ProxyStatus;
import io.corvus.agent.topology.NodeIdentity;
import io.corvus.events.Raven;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.payload.AgentHeartbeat;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Publishes this node's heartbeat to {@code corvus.agent-status.v1} at the configured interval:
 * what it does (roles), which topology it applied, its proxy streams, peers and bytes, the address
 * the cloud side sees it from, and its link server's port when that is not the default. A
 * heartbeat that cannot be delivered is dropped, not queued: the next one carries fresher news.
 */
@Startup
@Singleton
public class Heartbeats {

    private static final Logger LOG = Logger.getLogger(Heartbeats.class);

    private final NodeIdentity node;
    private final EventPublisher publisher;
    private final Clock clock;
    private final ProxyState proxy;
    private final TopologyFollower topology;
    private final AtomicReference<String> lastFailure = new AtomicReference<>();

    Heartbeats(NodeIdentity node, EventPublisher publisher, Clock clock, ProxyState proxy, TopologyFollower topology) {
        this.node = node;
        this.publisher = publisher;
        this.clock = clock;
        this.proxy = proxy;
        this.topology = topology;
    }

    @Scheduled(every = "${corvus.agent.heartbeat-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void beat() {
        ProxyStatus status = proxy.status();
        int port = status.linkPort();
        AgentHeartbeat heartbeat = new AgentHeartbeat(node.clusterId(), node.nodeName(), clock.instant(), status.roles(),
                topology.view().generation(), status.openStreams(), status.peers(), status.bytesIn(), status.bytesOut(),
                status.observedAddress(), null, port == Raven.PROXY_LINK_PORT || port == 0 ? null : port);
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
