package io.corvus.events.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import io.corvus.events.ExampleEvents;
import io.corvus.events.Topic;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.ProvisioningStep;
import org.junit.jupiter.api.Test;

class OverviewTest {

    private static final Instant AT = ExampleEvents.AT;

    @Test
    void aClusterShowsItsConfigurationGatewaysNodesStepsAndRavenConfig() {
        Overview overview = new Overview();
        ExampleEvents.all().forEach(overview::apply);

        OverviewSnapshot.Cluster cluster = overview.snapshot(AT.plusSeconds(2)).cluster("c1").orElseThrow();

        assertThat(cluster.config().revision()).isEqualTo(3);
        assertThat(cluster.config().proxyEnabled()).isTrue();
        OverviewSnapshot.Gateway gateway = cluster.gateways().getFirst();
        assertThat(gateway.endpoints()).extracting(OverviewSnapshot.Endpoint::nodeName).containsExactly("edge-node-1");
        assertThat(gateway.endpointsAgeMillis()).isEqualTo(2000);
        assertThat(gateway.cloudEntry()).isEqualTo("198.51.100.20:10280");
        assertThat(gateway.lastChange().orElseThrow().cause()).as("the removal comes first within a generation")
                .isEqualTo(GatewayTopology.Cause.HEARTBEAT_STALE);
        OverviewSnapshot.Node node = cluster.nodes().getFirst();
        assertThat(node.nodePool()).isEqualTo("hangzhou-edge");
        assertThat(node.heartbeatAgeMillis()).isEqualTo(2000);
        assertThat(node.tunnelPeers().getFirst().handshakeAgeMillis()).isEqualTo(14_000);
        assertThat(cluster.lastStep().orElseThrow().step()).isEqualTo("degraded");
        assertThat(cluster.ravenConfig()).containsEntry("eip-ip", "198.51.100.20");
        assertThat(cluster.deadLetters()).isEqualTo(1);
    }

    @Test
    void anOlderGenerationChangesNothingAndTheEndpointsKeepTheTimeTheyBecameWhatTheyAre() {
        Overview overview = new Overview();
        GatewayTopology first = ExampleEvents.gatewayTopology();
        GatewayTopology sameEndpointsLater = withGeneration(first, 8, AT.plusSeconds(30), List.of());
        overview.apply(first);
        overview.apply(sameEndpointsLater);
        overview.apply(withGeneration(first, 5, AT.plusSeconds(60), List.of()));

        OverviewSnapshot.Gateway gateway = overview.snapshot(AT.plusSeconds(40)).clusters().getFirst().gateways().getFirst();

        assertThat(gateway.generation()).isEqualTo(8);
        assertThat(gateway.endpointsSince()).isEqualTo(AT);
        assertThat(gateway.history()).hasSize(2);
    }

    @Test
    void historiesAreBoundedAndNewestFirst() {
        Overview overview = new Overview();
        GatewayTopology first = ExampleEvents.gatewayTopology();
        IntStream.rangeClosed(1, Overview.HISTORY + 10).forEach(g -> {
            overview.apply(withGeneration(first, 7 + g, AT.plusSeconds(g), first.changes().subList(0, 1)));
            overview.apply(new ProvisioningStep("c1", g, ProvisioningStep.Step.REQUESTED, AT.plusSeconds(g), "step " + g, null, null, null));
        });

        OverviewSnapshot.Cluster cluster = overview.snapshot(AT).clusters().getFirst();

        assertThat(cluster.gateways().getFirst().history()).hasSize(Overview.HISTORY)
                .first().extracting(OverviewSnapshot.Change::generation).isEqualTo(7L + Overview.HISTORY + 10);
        assertThat(cluster.provisioning()).hasSize(Overview.HISTORY).last().extracting(OverviewSnapshot.Step::message)
                .isEqualTo("step " + (Overview.HISTORY + 10));
    }

    @Test
    void aTombstoneRemovesTheGatewayAndTheConfiguration() {
        Overview overview = new Overview();
        overview.apply(ExampleEvents.gatewayTopology());
        overview.apply(ExampleEvents.configChanged());

        overview.remove(Topic.TOPOLOGY, ExampleEvents.gatewayTopology().recordKey());
        overview.remove(Topic.CONFIG, "c1");

        assertThat(overview.snapshot(AT).clusters()).isEmpty();
    }

    private static GatewayTopology withGeneration(GatewayTopology t, long generation, Instant at,
            List<GatewayTopology.EndpointChange> changes) {
        return new GatewayTopology(t.clusterId(), t.gatewayName(), generation, t.nodePool(), t.edge(), t.proxyEnabled(), t.tunnelEnabled(),
                t.endpoints(), t.members(), t.cloudExposure(), t.accessControlList(), at, t.tunnelNetwork(), changes);
    }
}
