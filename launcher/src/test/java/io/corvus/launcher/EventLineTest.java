package io.corvus.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.DeadLetter;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.ProvisioningStep;
import org.junit.jupiter.api.Test;

class EventLineTest {

    private static final Instant AT = Instant.parse("2026-11-26T08:00:00Z");

    @Test
    void aConfigurationLineSaysTheRevisionTheModesAndTheWhitelist() {
        var config = new ConfigChanged("demo", 1, AT, "corvus-demo", new NetworkConfig(new NetworkConfig.ModeSettings(true),
                NetworkConfig.TunnelSettings.OFF.enabled(false), List.of("203.0.113.0/24", "198.51.100.7/32", "100.64.0.0/10"), Map.of(),
                new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool", "openyurt.io/is-edge-worker=true"),
                NetworkConfig.CloudSettings.local(100)));
        String line = EventLine.of(AT, "corvus.config.v1", "demo", config);

        assertThat(line).contains("corvus.config.v1", "demo", "config.changed",
                "revision 1 by corvus-demo: proxy on, tunnel off, ACL 203.0.113.0/24,198.51.100.7/32,100.64.0.0/10, cloud local");
    }

    @Test
    void aHeartbeatLineSaysTheRoles() {
        var heartbeat = new AgentHeartbeat("demo", "n1", AT, Set.of(AgentHeartbeat.Role.PROXY_CLIENT), 4, 2, List.of("c1"), 0, 0,
                "203.0.113.7", null, null, List.of("c1"), null, List.of(), false, null);

        assertThat(EventLine.summary(heartbeat)).isEqualTo("alive; roles PROXY_CLIENT, topology generation 4, 2 streams, link peers [c1]");
        assertThat(EventLine.summary(AgentHeartbeat.idle("demo", "n1", AT).lastWord()))
                .isEqualTo("stopping: its roles end now");
    }

    @Test
    void aTopologyLineListsTheEndpointsAndTheCloudEntry() {
        var topology = new GatewayTopology("demo", "pool-a", 3, "pool-a", true, true, false,
                List.of(GatewayTopology.Endpoint.proxy("n1", "10.0.0.1")),
                List.of(), new GatewayTopology.CloudExposure("198.51.100.20", 10280), List.of(), AT, null);

        assertThat(EventLine.summary(topology))
                .isEqualTo("generation 3, edge pool pool-a, endpoints proxy:n1, 0 members, cloud entry 198.51.100.20:10280");
    }

    @Test
    void aTopologyLineSaysWhichEndpointWentAndCameAndWhy() {
        var topology = new GatewayTopology("demo", "pool-a", 4, "pool-a", true, true, false,
                List.of(GatewayTopology.Endpoint.proxy("n2", "10.0.0.2")), List.of(), null, List.of(), AT, null,
                List.of(new GatewayTopology.EndpointChange("n1", GatewayTopology.EndpointType.PROXY, false, GatewayTopology.Cause.LINK_LOST,
                                "c1 saw its connection with it close (proxy link or tunnel presence) 0.3 s ago and it sent nothing since (last heartbeat 0.8 s old)", 300L),
                        new GatewayTopology.EndpointChange("n2", GatewayTopology.EndpointType.PROXY, true, GatewayTopology.Cause.REPLACEMENT,
                                "takes the place of n1, the best of 1 free candidate(s)", null)));

        assertThat(EventLine.summary(topology)).isEqualTo("generation 4, edge pool pool-a, endpoints proxy:n2, 0 members; "
                + "proxy:n1 went (LINK_LOST: c1 saw its connection with it close (proxy link or tunnel presence) 0.3 s ago and it sent nothing since (last heartbeat 0.8 s old)), "
                + "proxy:n2 came (REPLACEMENT: takes the place of n1, the best of 1 free candidate(s))");
    }

    @Test
    void aDegradedStepSaysWhyAndWhenItIsRetried() {
        var step = new ProvisioningStep("demo", 2, ProvisioningStep.Step.DEGRADED, AT, "EIP allocation failed",
                "Throttling.User", AT.plusSeconds(4), Map.of());

        assertThat(EventLine.summary(step)).startsWith("degraded (revision 2): EIP allocation failed; reason Throttling.User; retry at ");
    }

    @Test
    void aDeadLetterSaysWhereItCameFromAndWhy() {
        var letter = new DeadLetter("corvus.config.v1", 3, 9, "demo", null, "cannot parse: not JSON", "gateway-elector", AT);

        assertThat(EventLine.summary(letter)).isEqualTo("set aside corvus.config.v1-3@9 by gateway-elector: cannot parse: not JSON");
    }
}
