package io.corvus.elector.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.corvus.elector.domain.ElectionSettings;
import io.corvus.events.Raven;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.NodeObserved;
import org.junit.jupiter.api.Test;

class ClusterModelTest {

    private static final Instant START = Instant.parse("2026-12-04T08:00:00Z");
    private static final ElectionSettings SETTINGS = ElectionSettings.DEFAULTS;

    @Test
    void aSilentEdgeGatewayStaysWhileTheCloudAgentsLinkToItWorksAndMovesOnceItCloses() {
        ClusterModel model = cluster();
        heartbeat(model, "cloud-1", START, List.of());
        heartbeat(model, "edge-1", START, List.of());
        heartbeat(model, "edge-2", START, List.of());
        String elected = publish(model, START).endpoints().getFirst().nodeName();
        String other = elected.equals("edge-1") ? "edge-2" : "edge-1";

        Instant later = START.plusSeconds(10); // the gateway's own heartbeats stopped long ago
        heartbeat(model, other, later, List.of());
        heartbeat(model, "cloud-1", later, List.of(elected));
        assertThat(model.elect(later, SETTINGS)).as("its link vouches for it").isEmpty();

        Instant linkClosed = later.plusSeconds(4);
        heartbeat(model, other, linkClosed, List.of());
        heartbeat(model, "cloud-1", linkClosed, List.of());
        assertThat(model.elect(linkClosed, SETTINGS).get("edge").endpoints()).extracting(GatewayTopology.Endpoint::nodeName)
                .containsExactly(other);
    }

    @Test
    void anEdgeGatewayWhoseLinkTheCloudAgentSawCloseMovesOnceTheGraceEndsUnlessItSpeaks() {
        ClusterModel model = cluster();
        heartbeat(model, "edge-1", START, List.of());
        heartbeat(model, "edge-2", START, List.of());
        String elected = publish(model, START).endpoints().getFirst().nodeName();
        String other = elected.equals("edge-1") ? "edge-2" : "edge-1";
        heartbeat(model, "cloud-1", START.plusMillis(100), List.of(elected));

        Instant closed = START.plusMillis(700);
        assertThat(heartbeat(model, "cloud-1", closed, List.of(), List.of(elected), false)).as("a lost peer asks for an election").isTrue();
        assertThat(model.nextExpiry(closed, SETTINGS)).contains(closed.plus(SETTINGS.linkLossGrace()).plusMillis(1));
        assertThat(model.elect(closed, SETTINGS)).as("within the grace").doesNotContainKey("edge");

        Instant graceOver = closed.plus(SETTINGS.linkLossGrace());
        heartbeat(model, other, graceOver, List.of());
        assertThat(model.elect(graceOver, SETTINGS).get("edge").endpoints()).extracting(GatewayTopology.Endpoint::nodeName)
                .containsExactly(other);
    }

    @Test
    void aLiveGatewayThatReportsAfterItsLinkClosedStays() {
        ClusterModel model = cluster();
        heartbeat(model, "edge-1", START, List.of());
        heartbeat(model, "edge-2", START, List.of());
        String elected = publish(model, START).endpoints().getFirst().nodeName();
        heartbeat(model, "cloud-1", START.plusMillis(100), List.of(elected));
        heartbeat(model, "cloud-1", START.plusMillis(700), List.of(), List.of(elected), false);

        heartbeat(model, elected, START.plusMillis(720), List.of());

        assertThat(model.elect(START.plusSeconds(1), SETTINGS)).doesNotContainKey("edge");
    }

    @Test
    void aLinkGivenUpAfterSilenceOrClosedByAStoppingAgentIsNoSignOfDeath() {
        ClusterModel model = cluster();
        heartbeat(model, "edge-1", START, List.of());
        heartbeat(model, "edge-2", START, List.of());
        String elected = publish(model, START).endpoints().getFirst().nodeName();
        heartbeat(model, "cloud-1", START.plusMillis(100), List.of(elected));

        heartbeat(model, "cloud-1", START.plusMillis(1500), List.of(), List.of(), false);
        heartbeat(model, "cloud-1", START.plusMillis(1600), List.of(), List.of(elected), true);

        assertThat(model.elect(START.plusSeconds(2), SETTINGS)).doesNotContainKey("edge");
    }

    @Test
    void theNextLookIsWhenAnEndpointsHeartbeatOrVouchGoesStaleNeverInThePast() {
        ClusterModel model = cluster();
        heartbeat(model, "edge-1", START, List.of());
        String elected = publish(model, START).endpoints().getFirst().nodeName();
        assertThat(model.nextExpiry(START, SETTINGS)).contains(START.plus(SETTINGS.freshness()).plusMillis(1));

        heartbeat(model, "cloud-1", START.plusSeconds(2), List.of(elected));
        Instant afterOwnExpiry = START.plusSeconds(4);
        assertThat(model.nextExpiry(afterOwnExpiry, SETTINGS)).contains(START.plusSeconds(2).plus(SETTINGS.freshness()).plusMillis(1));
        assertThat(model.nextExpiry(START.plusSeconds(60), SETTINGS)).isEmpty();
    }

    private static ClusterModel cluster() {
        ClusterModel model = new ClusterModel("c1");
        model.apply(new ConfigChanged("c1", 1, START, "test", new NetworkConfig(new NetworkConfig.ModeSettings(true),
                NetworkConfig.TunnelSettings.OFF.enabled(false), List.of(), Map.of(),
                new NetworkConfig.NodeLabels(Raven.DEFAULT_NODE_POOL_KEY, "openyurt.io/is-edge-worker=true"), NetworkConfig.CloudSettings.local(100))));
        model.apply(node("cloud-1", "cloud", false), START);
        model.apply(node("edge-1", "edge", true), START);
        model.apply(node("edge-2", "edge", true), START);
        return model;
    }

    private static NodeObserved node(String name, String pool, boolean edge) {
        Map<String, String> labels = edge ? Map.of(Raven.DEFAULT_NODE_POOL_KEY, pool, "openyurt.io/is-edge-worker", "true")
                : Map.of(Raven.DEFAULT_NODE_POOL_KEY, pool);
        return NodeObserved.of("c1", name, labels, true, List.of("192.168.0." + name.length()), List.of(), List.of(), START);
    }

    private static void heartbeat(ClusterModel model, String node, Instant at, List<String> linkedPeers) {
        heartbeat(model, node, at, linkedPeers, List.of(), false);
    }

    /** A heartbeat reporting the peers whose links closed while they were talking, perhaps the agent's last. */
    private static boolean heartbeat(ClusterModel model, String node, Instant at, List<String> linkedPeers, List<String> lostPeers,
            boolean stopping) {
        return model.apply(new AgentHeartbeat("c1", node, at, Set.of(), 0, 0, linkedPeers, 0, 0, null, null, null, linkedPeers, null,
                lostPeers, stopping, null), at, SETTINGS);
    }

    /** Elects and takes the edge pool's topology as published. */
    private static GatewayTopology publish(ClusterModel model, Instant at) {
        Map<String, GatewayTopology> changed = model.elect(at, SETTINGS);
        changed.values().forEach(model::apply);
        return changed.get("edge");
    }
}
