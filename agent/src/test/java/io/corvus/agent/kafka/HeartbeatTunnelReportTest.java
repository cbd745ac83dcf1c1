package io.corvus.agent.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.corvus.agent.proxy.ProxyState;
import io.corvus.agent.tunnel.TunnelStatus;
import io.corvus.events.payload.AgentHeartbeat;
import org.junit.jupiter.api.Test;

class HeartbeatTunnelReportTest {

    private static final TunnelStatus HUB = new TunnelStatus(TunnelStatus.Role.GATEWAY, null, 1440, "wireguard-go", "key", List.of(
            new TunnelStatus.Peer("edge-1", "10.0.0.1:4500", Instant.EPOCH, 1, 1, 1, 1, true, 0.3),
            new TunnelStatus.Peer("edge-2", "10.0.0.2:4500", Instant.EPOCH, 1, 1, 1, 1, true, 0.4)));

    @Test
    void aPeerWhosePresenceConnectionWasLostHasNoProbeResultToVouchForIt() {
        AgentHeartbeat.TunnelReport report = Heartbeats.report(HUB, new ProxyState.PresenceStatus(Set.of("edge-2"), Set.of("edge-1")));

        assertThat(report.peers()).satisfiesExactly(
                lost -> {
                    assertThat(lost.probeOk()).as("its last probe is older than the loss").isNull();
                    assertThat(lost.probeRttMillis()).isNull();
                    assertThat(lost.presence()).isFalse();
                },
                held -> {
                    assertThat(held.probeOk()).isTrue();
                    assertThat(held.presence()).isTrue();
                });
    }

    @Test
    void aNodeOutsideTunnelModeReportsNoTunnel() {
        assertThat(Heartbeats.report(TunnelStatus.OFF, new ProxyState.PresenceStatus(Set.of(), Set.of()))).isNull();
    }
}
