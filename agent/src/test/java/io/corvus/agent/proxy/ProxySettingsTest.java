package io.corvus.agent.proxy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import io.corvus.agent.proxy.SendBudget;
import io.corvus.events.Backoff;
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

    private static ProxySettings settings(Duration keepalive, Duration stallTimeout) {
        return new ProxySettings("edge-1", "127.0.0.1", 0, 0, 0, 0, Optional.empty(), Set.of(10250), DialMode.ENDPOINTS,
                keepalive, Duration.ofMillis(2500), Duration.ofSeconds(5), stallTimeout, new SendBudget(16 << 20),
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10)), 0);
    }
}
