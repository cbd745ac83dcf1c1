package io.corvus.agent.proxy.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.corvus.agent.proxy.DialMode;
import io.corvus.agent.proxy.ProxySettings;
import io.corvus.agent.proxy.ProxyStatus;
import io.corvus.agent.proxy.SendBudget;
import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.corvus.events.Backoff;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ProxyRuntimeStatusTest {

    @Test
    void theStatusIsReadWhileARoleIsStillStarting() throws Exception {
        try (ProxyRuntime runtime = new ProxyRuntime(new ProxySettings("edge-1", "127.0.0.1", 0, 0, 0, 0, Optional.empty(), Set.of(),
                DialMode.ENDPOINTS, Duration.ofMillis(200), Duration.ofMillis(600), Duration.ofSeconds(2), Duration.ofMinutes(5),
                new SendBudget(1 << 20), new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)), 1),
                new ProxyStats(new SimpleMeterRegistry()), "c1")) {
            ProxyStatus status;
            synchronized (runtime) { // as apply holds it while TLS and sockets start, which took seconds on a starved machine
                status = CompletableFuture.supplyAsync(runtime::status).get(30, TimeUnit.SECONDS);
            }

            assertThat(status.roles()).as("the heartbeat that reads it is not held up").isEmpty();
        }
    }
}
