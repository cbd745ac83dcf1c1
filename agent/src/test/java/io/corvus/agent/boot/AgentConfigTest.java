package io.corvus.agent.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AgentConfigTest {

    private static Map<String, String> node(String... more) {
        Map<String, String> settings = new HashMap<>(Map.of("corvus.agent.cluster-id", "c1", "corvus.agent.node-name", "n1"));
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return settings;
    }

    @Test
    void settingsNotGivenTakeTheirDefaults() {
        AgentConfig config = AgentConfig.read(node(), Map.of());
        assertThat(config.settings().heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.settings().healthPort()).isEqualTo(10284);
        assertThat(config.settings().proxy().sendMark().bytes()).isEqualTo(16L << 20);
        assertThat(config.settings().proxy().deadAfter()).isEqualTo(Duration.ofMillis(2500));
        assertThat(config.kafka()).containsEntry("bootstrap.servers", "127.0.0.1:9092");
    }

    @Test
    void kafkaSettingsComeFromKafkaNamesAndFromTheEnvironmentsKafkaVariables() {
        AgentConfig config = AgentConfig.read(node("kafka.bootstrap.servers", "broker:9093"),
                Map.of("KAFKA_SASL_JAAS_CONFIG", "secret jaas", "KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));
        assertThat(config.kafka()).containsEntry("bootstrap.servers", "broker:9093").containsEntry("sasl.jaas.config", "secret jaas")
                .containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void durationsAndSizesReadAsTheServicesWriteThem() {
        AgentSettings settings = AgentConfig.read(node("corvus.agent.heartbeat-interval", "200ms", "corvus.agent.proxy.stall-timeout", "5m",
                "corvus.agent.proxy.keepalive", "PT2S", "corvus.agent.proxy.send-mark", "512K"), Map.of()).settings();
        assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(settings.proxy().stallTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.proxy().keepalive()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.proxy().sendMark().bytes()).isEqualTo(512 * 1024);
    }

    @Test
    void aMisspelledSettingStopsTheStartAndIsNamed() {
        assertThatThrownBy(() -> AgentConfig.read(node("corvus.agent.proxy.link-prot", "10280"), Map.of()))
                .hasMessageContaining("corvus.agent.proxy.link-prot");
    }

    @Test
    void aValueOfTheWrongFormIsNamedWithTheFormItNeeds() {
        assertThatThrownBy(() -> AgentConfig.read(node("corvus.agent.heartbeat-interval", "often"), Map.of()))
                .hasMessageContaining("corvus.agent.heartbeat-interval").hasMessageContaining("200ms, 1s");
        assertThatThrownBy(() -> AgentConfig.read(node("corvus.agent.proxy.send-mark", "lots"), Map.of()))
                .hasMessageContaining("corvus.agent.proxy.send-mark").hasMessageContaining("16M");
    }

    @Test
    void settingsComeFromTheEnvironmentAndVariablesOfOtherThingsAreLeftAlone() {
        AgentSettings settings = AgentConfig.read(Map.of(), Map.of("CORVUS_AGENT_CLUSTER_ID", "c1", "CORVUS_AGENT_NODE_NAME", "n1",
                "CORVUS_AGENT_PROXY_ALLOWED_PORTS", "10250,9100", "CORVUS_AGENT_DEBUG_SERVICE_HOST", "10.0.0.1")).settings();
        assertThat(settings.nodeName()).isEqualTo("n1");
        assertThat(settings.proxy().allowedPorts()).containsExactlyInAnyOrder(10250, 9100);
    }

    @Test
    void aMissingNodeNameIsNamed() {
        assertThatThrownBy(() -> AgentConfig.read(Map.of("corvus.agent.cluster-id", "c1"), Map.of()))
                .hasMessageContaining("corvus.agent.node-name");
    }
}
