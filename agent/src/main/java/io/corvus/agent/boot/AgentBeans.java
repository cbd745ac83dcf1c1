package io.corvus.agent.boot;

import java.time.Clock;
import java.util.Optional;

import io.corvus.agent.proxy.ProxySettings;
import io.corvus.agent.proxy.SendBudget;
import io.corvus.agent.proxy.TlsFiles;
import io.corvus.agent.proxy.netty.ProxyRuntime;
import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.corvus.agent.topology.NodeIdentity;
import io.corvus.agent.tunnel.TunnelLayout;
import io.corvus.agent.tunnel.TunnelNodeSettings;
import io.corvus.agent.tunnel.linux.Commands;
import io.corvus.agent.tunnel.linux.TunnelRuntime;
import io.corvus.events.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The composition root of the agent: who it is, its proxy and its tunnel, built from its settings. */
@Singleton
public class AgentBeans {

    @Produces
    @Singleton
    NodeIdentity node(AgentSettings settings) {
        return new NodeIdentity(settings.clusterId(), settings.nodeName());
    }

    @Produces
    @Singleton
    ProxyStats stats(MeterRegistry registry) {
        return new ProxyStats(registry);
    }

    @Produces
    @Singleton
    ProxyRuntime proxy(AgentSettings settings, ProxyStats stats) {
        AgentSettings.Proxy proxy = settings.proxy();
        Optional<TlsFiles> tls = proxy.certificate().isPresent() || proxy.key().isPresent() || proxy.ca().isPresent()
                ? Optional.of(new TlsFiles(proxy.certificate().orElse(null), proxy.key().orElse(null), proxy.ca().orElse(null)))
                : Optional.empty();
        return new ProxyRuntime(new ProxySettings(settings.nodeName(), proxy.bindAddress(), proxy.linkPort(), proxy.httpsPort(),
                proxy.httpPort(), settings.tunnel().presencePort(), tls, proxy.allowedPorts(), proxy.dial(), proxy.keepalive(),
                proxy.deadAfter(), proxy.dialTimeout(), proxy.stallTimeout(), new SendBudget(proxy.sendMark().asLongValue()),
                new Backoff(proxy.reconnectFirst(), proxy.reconnectLongest()), proxy.eventLoopThreads()), stats, settings.clusterId());
    }

    void close(@Disposes ProxyRuntime runtime) {
        runtime.close();
    }

    @Produces
    @Singleton
    TunnelRuntime tunnel(AgentSettings settings, NodeIdentity node, Clock clock, MeterRegistry registry) {
        AgentSettings.Tunnel tunnel = settings.tunnel();
        TunnelLayout layout = new TunnelLayout(tunnel.wireguardInterface(), tunnel.vxlanInterface(), tunnel.routeTable(),
                tunnel.rulePriority(), tunnel.nftTable(), TunnelLayout.DEFAULT.listenPort(), TunnelLayout.DEFAULT.vxlanPort(),
                TunnelLayout.DEFAULT.keepalive());
        return new TunnelRuntime(node, new TunnelNodeSettings(layout, driver(tunnel.driver()), tunnel.stateDirectory(),
                tunnel.presharedKeyFile(), tunnel.underlayDevice(), tunnel.probeInterval(), tunnel.resyncInterval()), new Commands(), clock,
                registry).start();
    }

    void close(@Disposes TunnelRuntime runtime) {
        runtime.close();
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
