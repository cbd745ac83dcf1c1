package io.corvus.agent.boot;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.corvus.agent.health.Check;
import io.corvus.agent.health.ManagementEndpoints;
import io.corvus.agent.health.ProxyReadiness;
import io.corvus.agent.health.TunnelReadiness;
import io.corvus.agent.kafka.Heartbeats;
import io.corvus.agent.kafka.TopologyFollower;
import io.corvus.agent.proxy.ProxySettings;
import io.corvus.agent.proxy.SendBudget;
import io.corvus.agent.proxy.TlsFiles;
import io.corvus.agent.proxy.netty.ProxyRuntime;
import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.corvus.agent.topology.GatewayRoleLoss;
import io.corvus.agent.topology.NodeIdentity;
import io.corvus.agent.tunnel.TunnelLayout;
import io.corvus.agent.tunnel.TunnelNodeSettings;
import io.corvus.agent.tunnel.linux.Commands;
import io.corvus.agent.tunnel.linux.TunnelRuntime;
import io.corvus.events.Backoff;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.jboss.logging.Logger;

/**
 * The composition root of the agent: who it is, its proxy and its tunnel, its topology follower and
 * heartbeats on Kafka, and its health and metrics endpoints, built from its settings and started in
 * that order. {@link #close} stops them the other way round: the heartbeat that says the agent
 * stops goes first, before the proxy drops its links.
 */
public final class Agent implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Agent.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final ProxyRuntime proxy;
    private final ManagementEndpoints endpoints;

    /**
     * Builds and starts an agent; if a part cannot start, the parts started before it are stopped again.
     *
     * @param gatewayRoleLoss told, on the topology follower's thread, when the node held a gateway role and holds none, and
     *     when one comes back after that
     */
    public Agent(AgentConfig config, GatewayRoleLoss.Listener gatewayRoleLoss) throws IOException {
        try {
            AgentSettings settings = config.settings();
            NodeIdentity node = new NodeIdentity(settings.clusterId(), settings.nodeName());
            Clock clock = Clock.systemUTC();
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            opened(registry::close);
            bindJvmMeters(registry);
            proxy = opened(new ProxyRuntime(proxySettings(settings), new ProxyStats(registry), settings.clusterId()));
            TunnelRuntime tunnel = opened(new TunnelRuntime(node, tunnelSettings(settings.tunnel()), new Commands(), clock, registry)
                    .start());

            KafkaConnection connection = KafkaConnection.of(config.kafka());
            EventCodec codec = EventCodec.create();
            KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producerConfig(connection, AgentConfig.SERVICE_NAME));
            EventPublisher publisher = opened(new EventPublisher(producer, codec, AgentConfig.SERVICE_NAME));
            opened(new KafkaClientMetrics(producer)).bindTo(registry); // kafka_producer_* on /q/metrics
            DeadLetters deadLetters = opened(DeadLetters.connect(publisher, connection, AgentConfig.SERVICE_NAME, clock));
            TopologyFollower topology = opened(new TopologyFollower(node, connection, AgentConfig.SERVICE_NAME, codec, deadLetters,
                    registry, List.of(proxy, tunnel, new GatewayRoleLoss(settings.nodeName(), gatewayRoleLoss))));
            CertificateRequester certificates = opened(new CertificateRequester(settings, proxy, clock));
            Heartbeats heartbeats = new Heartbeats(node, publisher, clock, proxy, tunnel, topology, settings.heartbeatInterval());

            certificates.start();
            topology.start();
            endpoints = opened(ManagementEndpoints.start(settings.managementAddress(), settings.healthPort(), settings.metricsPort(),
                    List.of(() -> pumpsRunning(topology.pumps())), List.of(new ProxyReadiness(proxy), new TunnelReadiness(tunnel)),
                    registry));
            opened(heartbeats).start();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public ProxyRuntime proxy() {
        return proxy;
    }

    public int healthPort() {
        return endpoints.healthPort();
    }

    public int metricsPort() {
        return endpoints.metricsPort();
    }

    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) { // the rest must still stop
                LOG.warnf(e, "stopping %s failed", part.getClass().getSimpleName());
            }
        }
    }

    /** A part to stop at close, last opened first stopped. */
    private <T extends AutoCloseable> T opened(T part) {
        started.push(part);
        return part;
    }

    /** Liveness: the consuming loop, once it reads, still runs. */
    private static Check pumpsRunning(Map<String, Boolean> pumps) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("pumps", pumps.size());
        List<String> stopped = pumps.entrySet().stream().filter(pump -> !pump.getValue()).map(Map.Entry::getKey).sorted().toList();
        if (!stopped.isEmpty()) {
            data.put("stopped", String.join(",", stopped));
        }
        return new Check("corvus-event-pumps", stopped.isEmpty(), data);
    }

    private void bindJvmMeters(PrometheusMeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        opened(new JvmGcMetrics()).bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private static ProxySettings proxySettings(AgentSettings settings) {
        AgentSettings.Proxy proxy = settings.proxy();
        Optional<TlsFiles> tls = proxy.certificate().isPresent() || proxy.key().isPresent() || proxy.ca().isPresent()
                ? Optional.of(new TlsFiles(proxy.certificate().orElse(null), proxy.key().orElse(null), proxy.ca().orElse(null)))
                : Optional.empty();
        return new ProxySettings(settings.nodeName(), proxy.bindAddress(), proxy.linkPort(), proxy.httpsPort(), proxy.httpPort(),
                settings.tunnel().presencePort(), tls, proxy.allowedPorts(), proxy.dial(), proxy.keepalive(), proxy.deadAfter(),
                proxy.dialTimeout(), proxy.stallTimeout(), new SendBudget(proxy.sendMark().bytes()),
                new Backoff(proxy.reconnectFirst(), proxy.reconnectLongest()), proxy.eventLoopThreads());
    }

    private static TunnelNodeSettings tunnelSettings(AgentSettings.Tunnel tunnel) {
        TunnelLayout layout = new TunnelLayout(tunnel.wireguardInterface(), tunnel.vxlanInterface(), tunnel.routeTable(),
                tunnel.rulePriority(), tunnel.nftTable(), TunnelLayout.DEFAULT.listenPort(), TunnelLayout.DEFAULT.vxlanPort(),
                TunnelLayout.DEFAULT.keepalive());
        return new TunnelNodeSettings(layout, driver(tunnel.driver()), tunnel.stateDirectory(), tunnel.presharedKeyFile(),
                tunnel.underlayDevice(), tunnel.probeInterval(), tunnel.resyncInterval());
    }

    private static TunnelNodeSettings.Driver driver(String name) {
        return switch (name) {
            case "auto" -> TunnelNodeSettings.Driver.AUTO;
            case "kernel" -> TunnelNodeSettings.Driver.KERNEL;
            case "wireguard-go" -> TunnelNodeSettings.Driver.WIREGUARD_GO;
            case "java" -> TunnelNodeSettings.Driver.JAVA;
            default -> throw new IllegalArgumentException("corvus.agent.tunnel.driver must be auto, kernel, java or wireguard-go, not '"
                    + name + "'");
        };
    }
}
