package io.corvus.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.corvus.events.codec.EventCodec;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.CorvusEvent;
import io.corvus.events.payload.DeadLetter;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.NodeObserved;
import io.corvus.events.payload.ProvisioningStep;

/** One fully populated example of every event type; the golden files are these, encoded. */
public final class ExampleEvents {

    public static final Instant AT = Instant.parse("2026-11-26T08:00:00Z");

    private ExampleEvents() {
    }

    public static NetworkConfig networkConfig() {
        return new NetworkConfig(
                new NetworkConfig.ModeSettings(true),
                new NetworkConfig.TunnelSettings(false, 4242, true),
                List.of("203.0.113.0/24", "198.51.100.7/32", "100.64.0.0/10"),
                Map.of("hangzhou-edge", new NetworkConfig.NodePoolSettings(2, 1)),
                new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool", "openyurt.io/is-edge-worker=true"),
                new NetworkConfig.CloudSettings("local", "cn-hangzhou", "vpc-demo", "vsw-demo", 100, "PayByTraffic"));
    }

    public static ConfigChanged configChanged() {
        return new ConfigChanged("c1", 3, AT, "admin", networkConfig());
    }

    public static NodeObserved nodeObserved() {
        return new NodeObserved("c1", "edge-node-1", "hangzhou-edge", true, true, true,
                List.of("192.168.10.11"), List.of(), List.of("10.244.1.0/24"),
                new TreeMap<>(Map.of("apps.openyurt.io/nodepool", "hangzhou-edge", "raven.openyurt.io/gateway-node", "true")), AT);
    }

    public static AgentHeartbeat agentHeartbeat() {
        return new AgentHeartbeat("c1", "edge-node-1", AT, Set.of(AgentHeartbeat.Role.PROXY_CLIENT, AgentHeartbeat.Role.TUNNEL_ENDPOINT),
                7, 3, List.of("cloud-node-1"), 1024, 2048, "203.0.113.9", "xTIaH1hT0UQAe1+lkuiPBUv05ut0kM1VTiTjM+3FkyY=", 10290,
                List.of("cloud-node-1"), new AgentHeartbeat.TunnelReport(AgentHeartbeat.TunnelState.READY, null, 1440, "wireguard-go",
                        List.of(new AgentHeartbeat.TunnelPeer("cloud-node-1", "198.51.100.20:4500", AT.minusSeconds(12), 4096, 8192, 31, 62,
                                true, 0.42, true))), List.of("cloud-node-2"), false, AT.plus(Duration.ofDays(30)));
    }

    public static GatewayTopology gatewayTopology() {
        return new GatewayTopology("c1", "hangzhou-edge", 7, "hangzhou-edge", true, true, false,
                List.of(new GatewayTopology.Endpoint("edge-node-1", GatewayTopology.EndpointType.PROXY,
                        "192.168.10.11", "203.0.113.9", null, null)),
                List.of(new GatewayTopology.Member("edge-node-1", "192.168.10.11", List.of("10.244.1.0/24")),
                        new GatewayTopology.Member("edge-node-2", "192.168.10.12", List.of("10.244.2.0/24"))),
                new GatewayTopology.CloudExposure("198.51.100.20", 10280), List.of("203.0.113.0/24", "100.64.0.0/10"), AT,
                new GatewayTopology.TunnelNetwork(1028, false),
                List.of(new GatewayTopology.EndpointChange("edge-node-2", GatewayTopology.EndpointType.PROXY, false,
                                GatewayTopology.Cause.HEARTBEAT_STALE, "heartbeat 3.4 s old (window 3 s), no peer reports a link to it", 3400L),
                        new GatewayTopology.EndpointChange("edge-node-1", GatewayTopology.EndpointType.PROXY, true,
                                GatewayTopology.Cause.REPLACEMENT, "takes the place of edge-node-2", null)));
    }

    public static ProvisioningStep provisioningStep() {
        return new ProvisioningStep("c1", 3, ProvisioningStep.Step.DEGRADED, AT, "allocating the EIP failed",
                "Throttling.User", AT.plusSeconds(4), Map.of("loadbalancer-id", "lb-demo"));
    }

    public static CloudState cloudState() {
        return new CloudState("c1", 3, "local", "acl-demo", "203.0.113.0/24,198.51.100.7/32,100.64.0.0/10",
                "eip-demo", "198.51.100.20", false, true, "lb-demo", "192.168.0.10", 100, AT);
    }

    public static DeadLetter deadLetter() {
        return new DeadLetter("corvus.config.v1", 4, 17, "c1", "bm90IGpzb24=", "cannot parse: not a CloudEvents 1.0 message",
                "gateway-elector", AT);
    }

    public static List<CorvusEvent> all() {
        return List.of(configChanged(), nodeObserved(), agentHeartbeat(), gatewayTopology(), provisioningStep(),
                cloudState(), deadLetter());
    }

    /** A codec whose output is reproducible: fixed clock, fixed id. */
    public static EventCodec reproducibleCodec() {
        return EventCodec.create(Clock.fixed(AT, ZoneOffset.UTC), () -> "00000000-0000-0000-0000-000000000001");
    }
}
