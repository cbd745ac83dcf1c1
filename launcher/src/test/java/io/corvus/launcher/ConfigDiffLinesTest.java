package io.corvus.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigDiffLinesTest {

    @Test
    void changedAddedAndRemovedMembersAreNamedByTheirPointers() {
        Map<String, Object> before = Map.of("proxy", Map.of("enabled", true), "accessControlList", List.of("10.0.0.0/8"),
                "nodePools", Map.of("a/b", Map.of("proxyReplicas", 1)));
        Map<String, Object> after = Map.of("proxy", Map.of("enabled", false), "accessControlList", List.of("10.0.0.0/8", "100.64.0.0/10"),
                "tunnel", Map.of("vni", 1028));

        assertThat(ConfigDiffLines.between(before, after)).containsExactly(
                "~ /accessControlList: [\"10.0.0.0/8\"] -> [\"10.0.0.0/8\",\"100.64.0.0/10\"]",
                "- /nodePools/a~1b/proxyReplicas: 1",
                "~ /proxy/enabled: true -> false",
                "+ /tunnel/vni: 1028");
    }

    @Test
    void theSameDocumentHasNoDifference() {
        Map<String, Object> document = Map.of("proxy", Map.of("enabled", true));

        assertThat(ConfigDiffLines.between(document, Map.of("proxy", Map.of("enabled", true)))).isEmpty();
    }
}
