package io.corvus.config.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigDiffTest {

    @Test
    void theFirstRevisionIsACreation() {
        assertThat(ConfigDiff.between(null, Map.of("proxy", Map.of("enabled", true)))).containsExactly("created");
    }

    @Test
    void eachChangedLeafIsOneLineWithItsPointer() {
        Map<String, Object> before = Map.of("proxy", Map.of("enabled", true), "accessControlList", List.of(),
                "nodePools", Map.of("a/b", Map.of("proxyReplicas", 1)));
        Map<String, Object> after = Map.of("proxy", Map.of("enabled", false), "accessControlList", List.of("10.0.0.0/8"),
                "nodePools", Map.of("a/b", Map.of("proxyReplicas", 2)));

        assertThat(ConfigDiff.between(before, after)).containsExactly(
                "/accessControlList: [] -> [10.0.0.0/8]",
                "/nodePools/a~1b/proxyReplicas: 1 -> 2",
                "/proxy/enabled: true -> false");
    }

    @Test
    void anAddedOrRemovedFieldShowsAsAbsent() {
        assertThat(ConfigDiff.between(Map.of("cloud", Map.of("regionId", "cn-hangzhou")), Map.of("cloud", Map.of())))
                .containsExactly("/cloud/regionId: \"cn-hangzhou\" -> (absent)");
    }
}
