package io.corvus.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.CorvusEvent;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.NodeObserved;
import io.corvus.events.payload.ProvisioningStep;
import io.corvus.events.view.Overview;
import io.corvus.events.view.OverviewSnapshot;
import org.junit.jupiter.api.Test;

/** Each problem verify and diagnose look for, made on purpose in the events, is found; a healthy cluster passes. */
class ClusterChecksTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:42:00Z");
    private static final List<String> ACL = List.of("203.0.113.0/24", "100.64.0.0/10");

    @Test
    void aHealthyClusterPassesEveryCheck() {
        OverviewSnapshot.Cluster cluster = cluster(healthy(ACL));

        assertThat(ClusterChecks.diagnose(cluster, NOW, Map.of("edge-1", Duration.ofMillis(-40)), List.of(),
                Map.of("link server", NOW.plus(Duration.ofDays(20)))))
                .allSatisfy(f -> assertThat(f.verdict()).as(f.toString()).isEqualTo(ClusterChecks.Verdict.PASS));
        assertThat(ClusterChecks.verify(cluster, List.of(new ClusterChecks.ProxyAnswer("edge", "edge-2:10250", 200, "HTTP/1.1 200 OK", ""))))
                .allSatisfy(f -> assertThat(f.verdict()).as(f.toString()).isEqualTo(ClusterChecks.Verdict.PASS));
    }

    @Test
    void diagnoseFindsEachProblemMadeOnPurpose() {
        List<CorvusEvent> events = new java.util.ArrayList<>(healthy(List.of("203.0.113.0/24")));
        events.add(node("quiet-node", "edge"));
        events.add(heartbeat("quiet-node", NOW.minusSeconds(12), Set.of(), List.of(), null));
        events.add(node("lost-node", null));
        events.add(heartbeat("lost-node", NOW.minusMillis(200), Set.of(), List.of(),
                new AgentHeartbeat.TunnelReport(AgentHeartbeat.TunnelState.READY, null, 1380, "wireguard-go", List.of())));
        events.add(new ProvisioningStep("c1", 1, ProvisioningStep.Step.DEGRADED, NOW.minus(Duration.ofMinutes(5)), "allocating the EIP failed",
                "QuotaExceeded.Eip", NOW.minusSeconds(10), Map.of()));

        List<ClusterChecks.Finding> found = ClusterChecks.diagnose(cluster(events), NOW, Map.of("edge-2", Duration.ofSeconds(-5)),
                List.of("topic corvus.topology.v1: cleanup.policy is delete but the Corvus catalog says compact"),
                Map.of("old", NOW.minusSeconds(1), "soon", NOW.plus(Duration.ofDays(2))));

        assertThat(found).filteredOn(f -> f.verdict() != ClusterChecks.Verdict.PASS)
                .extracting(f -> f.check() + " " + f.subject())
                .containsExactlyInAnyOrder("whitelist configuration", "heartbeats quiet-node", "clocks edge-2", "certificates old",
                        "certificates soon", "topics catalog", "provisioning cloud side", "node pools lost-node", "tunnel MTU lost-node");
        assertThat(found).filteredOn(f -> f.check().equals("clocks")).singleElement()
                .satisfies(f -> assertThat(f.detail()).contains("5.0 s behind"));
        assertThat(found).filteredOn(f -> f.check().equals("provisioning")).singleElement()
                .satisfies(f -> assertThat(f.detail()).contains("stuck degraded", "QuotaExceeded.Eip"));
    }

    @Test
    void verifyFailsWhereTheDataPathIsBroken() {
        List<CorvusEvent> events = new java.util.ArrayList<>(healthy(ACL));
        events.add(heartbeat("cloud-1", NOW.minusMillis(300), Set.of(AgentHeartbeat.Role.PROXY_SERVER), List.of(), null));
        events.add(topology("cloud", false, 2, List.of()));

        List<ClusterChecks.Finding> found = ClusterChecks.verify(cluster(events), List.of(
                new ClusterChecks.ProxyAnswer("edge", "edge-2:10250", 503, "HTTP/1.1 503 Service Unavailable", "no link from edge pool edge is up"),
                new ClusterChecks.ProxyAnswer("edge", "edge-2:9", 502, "HTTP/1.1 502 Bad Gateway", "cannot connect to edge-2: refused")));

        assertThat(found).filteredOn(f -> f.verdict() != ClusterChecks.Verdict.PASS).extracting(f -> f.verdict() + " " + f.check())
                .containsExactly("FAIL proxy endpoint", "FAIL proxy link", "FAIL request through the proxy", "WARN request through the proxy");
    }

    @Test
    void withoutAConfigurationThereIsNothingToVerify() {
        List<ClusterChecks.Finding> found = ClusterChecks.verify(cluster(List.of(node("edge-1", "edge"))), List.of());

        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.verdict()).isEqualTo(ClusterChecks.Verdict.FAIL);
            assertThat(f.detail()).contains("corvus config apply");
        });
    }

    /** Proxy mode on; a cloud pool (cloud-1) and an edge pool (edge-1 the gateway, edge-2) with fresh heartbeats and the link up. */
    private static List<CorvusEvent> healthy(List<String> acl) {
        NetworkConfig config = new NetworkConfig(new NetworkConfig.ModeSettings(true), NetworkConfig.TunnelSettings.OFF, acl, Map.of(),
                NetworkConfig.NodeLabels.DEFAULTS, new NetworkConfig.CloudSettings("local", "cn-hangzhou", "vpc", "vsw", 100, "PayByTraffic"));
        return List.of(new ConfigChanged("c1", 1, NOW.minusSeconds(60), "admin", config),
                node("cloud-1", "cloud"), node("edge-1", "edge"), node("edge-2", "edge"),
                topology("cloud", false, 1, List.of("cloud-1")), topology("edge", true, 1, List.of("edge-1")),
                heartbeat("cloud-1", NOW.minusMillis(400), Set.of(AgentHeartbeat.Role.PROXY_SERVER), List.of("edge-1"), null),
                heartbeat("edge-1", NOW.minusMillis(500), Set.of(AgentHeartbeat.Role.PROXY_CLIENT), List.of("cloud-1"), null),
                heartbeat("edge-2", NOW.minusMillis(600), Set.of(), List.of(), null),
                new ProvisioningStep("c1", 1, ProvisioningStep.Step.READY, NOW.minusSeconds(50), "the cloud side is ready", null, null, Map.of()));
    }

    private static NodeObserved node(String name, String pool) {
        return new NodeObserved("c1", name, pool, "edge".equals(pool), false, true, List.of("10.0.0.1"), List.of(), List.of(), Map.of(),
                NOW.minusSeconds(60));
    }

    private static GatewayTopology topology(String pool, boolean edge, long generation, List<String> endpoints) {
        return new GatewayTopology("c1", pool, generation, pool, edge, true, false,
                endpoints.stream().map(n -> GatewayTopology.Endpoint.proxy(n, "10.0.0.1")).toList(),
                List.of(new GatewayTopology.Member(edge ? "edge-1" : "cloud-1", "10.0.0.1", List.of()),
                        new GatewayTopology.Member(edge ? "edge-2" : "cloud-1", "10.0.0.2", List.of())).stream().distinct().toList(),
                null, List.of(), NOW.minusSeconds(30), null);
    }

    private static AgentHeartbeat heartbeat(String node, Instant sentAt, Set<AgentHeartbeat.Role> roles, List<String> peers,
            AgentHeartbeat.TunnelReport tunnel) {
        return new AgentHeartbeat("c1", node, sentAt, roles, 1, 0, peers, 0, 0, null, null, null, peers, tunnel, List.of(), false, null);
    }

    private static OverviewSnapshot.Cluster cluster(List<CorvusEvent> events) {
        Overview overview = new Overview();
        events.forEach(overview::apply);
        return overview.snapshot(NOW).cluster("c1").orElseThrow();
    }
}
