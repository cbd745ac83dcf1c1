package io.corvus.agent.boot;

import java.util.Optional;

import io.corvus.agent.proxy.ProxySettings;
import io.corvus.agent.proxy.SendBudget;
import io.corvus.agent.proxy.TlsFiles;
import io.corvus.agent.proxy.netty.ProxyRuntime;
import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.corvus.agent.topology.NodeIdentity;
import io.corvus.service.work.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The composition root of the agent: who it is, and its proxy data plane, built from its settings. */
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
                proxy.httpPort(), tls, proxy.allowedPorts(), proxy.dial(), proxy.keepalive(), proxy.deadAfter(), proxy.dialTimeout(),
                proxy.stallTimeout(), new SendBudget(proxy.sendMark().asLongValue()),
                new Backoff(proxy.reconnectFirst(), proxy.reconnectLongest()), proxy.eventLoopThreads()), stats, settings.clusterId());
    }

    void close(@Disposes ProxyRuntime runtime) {
        runtime.close();
    }
}
