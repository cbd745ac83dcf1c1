package io.corvus.agent.boot;

import java.util.Optional;

import io.corvus.agent.proxy.ProxyRuntime;
import io.corvus.agent.proxy.ProxyStats;
import io.corvus.agent.proxy.netty.TlsFiles;
import io.corvus.agent.proxy.policy.SendBudget;
import io.corvus.service.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The proxy data plane of this agent, built from its settings. */
@Singleton
public class ProxyBeans {

    @Produces
    @Singleton
    ProxyStats stats(MeterRegistry registry) {
        return new ProxyStats(registry);
    }

    @Produces
    @Singleton
    ProxyRuntime runtime(AgentSettings settings, ProxyStats stats) {
        AgentSettings.Proxy proxy = settings.proxy();
        Optional<TlsFiles> tls = proxy.certificate().isPresent() || proxy.key().isPresent() || proxy.ca().isPresent()
                ? Optional.of(new TlsFiles(proxy.certificate().orElse(null), proxy.key().orElse(null), proxy.ca().orElse(null)))
                : Optional.empty();
        return new ProxyRuntime(new ProxyRuntime.Settings(settings.nodeName(), proxy.bindAddress(), proxy.tunnelPort(),
                proxy.httpsPort(), proxy.httpPort(), tls, proxy.allowedPorts(), proxy.dial(), proxy.keepalive(), proxy.deadAfter(),
                proxy.dialTimeout(), proxy.stallTimeout(), new SendBudget(proxy.sendMark().asLongValue()), new Backoff(proxy.reconnectFirst(), proxy.reconnectLongest()), proxy.eventLoopThreads()),
                stats, settings.clusterId());
    }

    void close(@Disposes ProxyRuntime runtime) {
        runtime.close();
    }
}
