package io.corvus.elector.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.NetworkConfig;
import org.junit.jupiter.api.Test;

class ClusterConfigurationsTest {

    private final ClusterConfigurations configurations = new ClusterConfigurations();

    @Test
    void aNewerRevisionReplacesTheOneHeld() {
        configurations.apply(revision(1));

        assertThat(configurations.apply(revision(2))).isTrue();
        assertThat(configurations.current("c1")).map(ConfigChanged::revision).contains(2L);
    }

    @Test
    void anOlderOrRepeatedRevisionChangesNothing() {
        configurations.apply(revision(5));

        assertThat(configurations.apply(revision(4))).isFalse();
        assertThat(configurations.apply(revision(5))).isFalse();
        assertThat(configurations.current("c1")).map(ConfigChanged::revision).contains(5L);
    }

    @Test
    void aRemovedClusterHasNoConfiguration() {
        configurations.apply(revision(1));

        assertThat(configurations.remove("c1")).isTrue();
        assertThat(configurations.current("c1")).isEmpty();
    }

    static ConfigChanged revision(long revision) {
        return new ConfigChanged("c1", revision, Instant.parse("2026-11-26T00:00:00Z"), "test", new NetworkConfig(
                new NetworkConfig.ModeSettings(true), new NetworkConfig.ModeSettings(false), List.of(), Map.of(),
                new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool", "openyurt.io/is-edge-worker=true"),
                new NetworkConfig.CloudSettings("local", null, null, null, 100, null)));
    }
}
