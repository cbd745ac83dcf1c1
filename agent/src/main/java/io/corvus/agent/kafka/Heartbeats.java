package io.corvus.agent.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.corvus.agent.proxy.ProxyState;
import io.corvus.agent.proxy.ProxyStatus;
import io.corvus.agent.topology.NodeIdentity;
import io.corvus.agent.tunnel.TunnelState;
import io.corvus.agent.tunnel.TunnelStatus;
import io.corvus.events.Raven;
import io.corvus.events.Topic;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.payload.AgentHeartbeat.Role;
import io.corvus.events.payload.AgentHeartbeat;
import org.jboss.logging.Logger;

/**
 * Publishes this node's heartbeat to {@code corvus.agent-status.v1} at the configured interval:
 * what it does (roles), which topology it applied, its proxy streams, link peers and bytes, the
 * address the cloud side sees it from, its link server's port when that is not the default, its
 * WireGuard public key, and its tunnel (peers, handshakes, probes, MTU, or why it cannot run). A
 * heartbeat that cannot be delivered is dropped, not queued: the next one carries fresher news.
 *
 * <p>Two heartbeats do not wait for the interval, because the elector fails over on them: one as
 * soon as a proxy link comes up or goes down (the peer at the other end of a lost link may be a
 * dead gateway, or this agent may be the live one whose link dropped), and the last, which says
 * the agent is stopping. A heartbeat names the peers whose links closed while they were still
 * talking since the one before: the elector takes that as the sign of a dead process.
 */
public class Heartbeats implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Heartbeats.class);
    private static final Duration LAST_WORD_WAIT = Duration.ofSeconds(2);

    private final NodeIdentity node;
    private final EventPublisher publisher;
    private final Clock clock;
    private final ProxyState proxy;
    private final TunnelState tunnel;
    private final TopologyFollower topology;
    private final AtomicReference<String> lastFailure = new AtomicReference<>();
    private final AtomicBoolean beatPending = new AtomicBoolean();
    private final Duration interval;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("heartbeats").factory());
    private volatile boolean stopping;

    public Heartbeats(NodeIdentity node, EventPublisher publisher, Clock clock, ProxyState proxy, TunnelState tunnel,
            TopologyFollower topology, Duration interval) {
        this.interval = interval;
        this.node = node;
        this.publisher = publisher;
        this.clock = clock;
        this.proxy = proxy;
        this.tunnel = tunnel;
        this.topology = topology;
        proxy.onLinksChanged(this::beatSoon);
    }

    /**
     * Beats from a thread of its own once the rest of the agent has started and the producer
     * knows the topic. A heartbeat makes this node a candidate, and the first beats of a booting
     * agent came 3-9 s apart on a busy machine (made, then held up behind start-up and the
     * producer's first metadata request): the elector took the new gateway for dead and moved it.
     */
    public void start() {
        ticker.execute(this::awaitBroker);
        ticker.scheduleWithFixedDelay(this::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The producer's first send would wait for the topic's metadata: wait before the first heartbeat is made, not after. */
    private void awaitBroker() {
        try {
            publisher.awaitMetadata(Topic.AGENT_STATUS);
        } catch (RuntimeException e) {
            LOG.warnf("the broker has not answered yet (%s); heartbeats start anyway", e.getMessage());
        }
    }

    void beat() {
        if (stopping) {
            return;
        }
        try {
            publish(heartbeat());
        } catch (RuntimeException e) { // never let one failure end the ticker's schedule
            LOG.errorf(e, "the heartbeat could not be made");
        }
    }

    /** A heartbeat now, off the caller's thread (a link's event loop); one at a time however many links change together. */
    private void beatSoon() {
        if (beatPending.compareAndSet(false, true)) {
            Thread.ofVirtual().name("heartbeat-now").start(() -> {
                beatPending.set(false);
                beat();
            });
        }
    }

    /**
     * The last heartbeat, saying this agent stops, sent before the proxy closes its links. Waits a
     * moment for the broker, never longer: a producer that cannot reach it blocks in send itself.
     */
    @Override
    public void close() {
        stopping = true;
        ticker.shutdown();
        try {
            CompletableFuture.supplyAsync(() -> publish(heartbeat().lastWord()), task -> Thread.ofVirtual().name("last-heartbeat").start(task))
                    .thenCompose(delivered -> delivered).get(LAST_WORD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("the stopping heartbeat was not delivered (%s): the elector notices the silence instead", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private AgentHeartbeat heartbeat() {
        ProxyStatus links = proxy.status();
        TunnelStatus tunnelStatus = tunnel.status();
        Set<Role> roles = EnumSet.noneOf(Role.class);
        roles.addAll(links.roles());
        if (tunnelStatus.role() == TunnelStatus.Role.GATEWAY) {
            roles.add(Role.TUNNEL_ENDPOINT);
        }
        int port = links.linkPort();
        return new AgentHeartbeat(node.clusterId(), node.nodeName(), clock.instant(), roles,
                topology.view().generation(), links.openStreams(), links.peers(), links.bytesIn(), links.bytesOut(),
                links.observedAddress(), tunnelStatus.publicKey(), port == Raven.PROXY_LINK_PORT || port == 0 ? null : port,
                links.peers(), report(tunnelStatus, proxy.tunnelPresence()), proxy.drainLostPeers(), false, links.certificateNotAfter());
    }

    private CompletableFuture<?> publish(AgentHeartbeat heartbeat) {
        return publisher.publish(heartbeat).whenComplete((metadata, error) -> {
            String failure = error == null ? null : error.getMessage();
            String previous = lastFailure.getAndSet(failure);
            if (failure != null && !failure.equals(previous)) {
                LOG.warnf("heartbeat not delivered: %s", failure);
            } else if (failure == null && previous != null) {
                LOG.info("heartbeats are delivered again");
            }
        });
    }

    /**
     * The tunnel as the heartbeat tells it; absent while tunnel mode has nothing to do with this
     * node. A peer whose presence connection was lost has no probe result: the last one is older
     * than the loss.
     */
    static AgentHeartbeat.TunnelReport report(TunnelStatus status, ProxyState.PresenceStatus presence) {
        if (status.role() == TunnelStatus.Role.NONE && status.problem() == null) {
            return null;
        }
        AgentHeartbeat.TunnelState state = status.ready() ? AgentHeartbeat.TunnelState.READY : AgentHeartbeat.TunnelState.NOT_READY;
        return new AgentHeartbeat.TunnelReport(state, status.problem(), status.mtu(), status.driver(), status.peers().stream()
                .map(p -> presence.lost().contains(p.nodeName()) ? p.probed(null, null) : p)
                .map(p -> new AgentHeartbeat.TunnelPeer(p.nodeName(), p.endpoint(), p.latestHandshake(), p.rxBytes(), p.txBytes(),
                        p.rxPackets(), p.txPackets(), p.probeOk(), p.probeRttMillis(), presence.held().contains(p.nodeName())))
                .toList());
    }
}
