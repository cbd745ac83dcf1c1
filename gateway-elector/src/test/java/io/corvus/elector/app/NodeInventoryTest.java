package io.corvus.elector.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.corvus.events.payload.NodeObserved;
import org.junit.jupiter.api.Test;

class NodeInventoryTest {

    private final NodeInventory inventory = new NodeInventory(Clock.fixed(Instant.parse("2026-11-26T08:00:00Z"), ZoneOffset.UTC));

    @Test
    void poolEdgeAndPinAreReadFromTheLabels() {
        NodeObserved node = inventory.upsert(node("n1", Map.of("apps.openyurt.io/nodepool", "hangzhou",
                "openyurt.io/is-edge-worker", "true", "raven.openyurt.io/gateway-node", "true"))).orElseThrow();

        assertThat(node.nodePool()).isEqualTo("hangzhou");
        assertThat(node.edge()).isTrue();
        assertThat(node.gatewayPinned()).isTrue();
    }

    @Test
    void reportingTheSameNodeAgainPublishesNothing() {
        inventory.upsert(node("n1", Map.of("apps.openyurt.io/nodepool", "a")));

        assertThat(inventory.upsert(node("n1", Map.of("apps.openyurt.io/nodepool", "a")))).isEmpty();
        assertThat(inventory.upsert(node("n1", Map.of("apps.openyurt.io/nodepool", "b")))).isPresent();
    }

    @Test
    void theEventCarriesEveryLabelAndTheClassificationUnderRavensKeysWhateverAConfigurationSays() {
        NodeObserved node = inventory.upsert(node("n1", Map.of("example.com/pool", "a", "example.com/edge", "yes"))).orElseThrow();

        assertThat(node.labels()).containsEntry("example.com/pool", "a").containsEntry("example.com/edge", "yes");
        assertThat(node.nodePool()).as("no Raven pool label").isNull();
        assertThat(node.edge()).isFalse();
    }

    @Test
    void aRemovedNodeIsTombstonedOnlyIfItWasPublished() {
        inventory.upsert(node("n1", Map.of()));

        assertThat(inventory.remove("c1", "n1")).contains("c1/n1");
        assertThat(inventory.remove("c1", "n1")).isEmpty();
    }

    private static NodeInventory.SourceNode node(String name, Map<String, String> labels) {
        return new NodeInventory.SourceNode("c1", name, labels, true, List.of("10.0.0.1"), List.of(), List.of("10.244.1.0/24"));
    }
}
