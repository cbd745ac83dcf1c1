package io.corvus.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventKeyTest {

    @Test
    void aNodeKeySplitsIntoClusterAndName() {
        EventKey key = EventKey.parse("c1/edge-node-1.example");

        assertThat(key.clusterId()).isEqualTo("c1");
        assertThat(key.name()).contains("edge-node-1.example");
        assertThat(key.wireForm()).isEqualTo("c1/edge-node-1.example");
    }

    @Test
    void aClusterKeyHasNoName() {
        assertThat(EventKey.parse("c1").name()).isEqualTo(Optional.empty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "C1", "-c1", "c1-", "c_1", "c1 ", "ç1", "c1;drop", "a234567890123456789012345678901234567890123456789012345678901234"})
    void aClusterIdThatIsNotADns1123LabelIsRejectedWithTheRule(String clusterId) {
        assertThatThrownBy(() -> EventKey.parse(clusterId + "/node"))
                .hasMessageContaining("is not a DNS-1123 label");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Node", "node/x", "-node", "node..x"})
    void aNameThatIsNotADns1123SubdomainIsRejected(String name) {
        assertThatThrownBy(() -> EventKey.of("c1", name)).hasMessageContaining("is not a DNS-1123 subdomain");
    }

    @Test
    void aMissingKeyIsRejected() {
        assertThatThrownBy(() -> EventKey.parse(null)).hasMessageContaining("has no key");
    }
}
