package io.corvus.agent.proxy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import io.corvus.agent.proxy.netty.TunnelClient;
import io.corvus.agent.proxy.policy.SendBudget;
import io.corvus.service.Backoff;
import org.junit.jupiter.api.Test;

class ProxySettingsTest {

    @Test
    void aStallTimeoutOfZeroIsRefusedNamingTheSettingAndAValidValue() {
        assertThatThrownBy(() -> settings(Duration.ofSeconds(1), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("corvus.agent.proxy.stall-timeout").hasMessageContaining("5m");
    }

    @Test
    void aNegativeKeepaliveIsRefused() {
        assertThatThrownBy(() -> settings(Duration.ofSeconds(-1), Duration.ofMinutes(5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("corvus.agent.proxy.keepalive");
    }

    private static ProxyRuntime.Settings settings(Duration keepalive, Duration stallTimeout) {
        return new ProxyRuntime.Settings("edge-1", "127.0.0.1", 0, 0, 0, Optional.empty(), Set.of(10250), TunnelClient.DialMode.ENDPOINTS,
                keepalive, Duration.ofMillis(2500), Duration.ofSeconds(5), stallTimeout, new SendBudget(16 << 20),
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10)), 0);
    }
}
