package io.corvus.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart as the real Helm engine lints and renders it, each rendered object read as its Kubernetes type. */
class ChartTest {

    private static final String FULLNAME = "corvus";

    /** Value sets a user would install with: each role, bare and with the options that change what is rendered. */
    static Stream<Arguments> valueSets() {
        return Stream.of(
                Arguments.of("platform, defaults", Map.of()),
                Arguments.of("platform, trial broker", Map.of("kafka.trial.enabled", "true")),
                Arguments.of("platform, managed Kafka over SASL_SSL, GitOps, Aliyun, own nodes", Map.of(
                        "clusterId", "hangzhou", "kafka.bootstrapServers", "kafka-1.example:9093,kafka-2.example:9093",
                        "kafka.securityProtocol", "SASL_SSL", "kafka.sasl.mechanism", "SCRAM-SHA-512", "kafka.sasl.existingSecret", "kafka-login",
                        "kafka.tls.caSecret", "kafka-ca", "platform.configService.gitops", "true",
                        "platform.cloudProvisioner.aliyun.credentialsSecret", "aliyun-keys")),
                Arguments.of("member", Map.of("role", "member", "clusterId", "edge-east")),
                Arguments.of("member, managed Kafka over SASL_SSL", Map.of("role", "member", "clusterId", "edge-east",
                        "kafka.securityProtocol", "SASL_SSL", "kafka.sasl.mechanism", "PLAIN", "kafka.sasl.existingSecret", "kafka-login")));
    }

    @Test
    void lintFindsNothingEvenWhenStrict() {
        LintResult lint = new Helm(Chart.PATH).lint().strict().call();

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void everyRenderedObjectIsAKubernetesObjectWithNoUnknownFieldAndTheChartsLabels(String name, Map<String, String> values) {
        List<JsonNode> objects = Chart.render(values);

        assertThat(objects).isNotEmpty();
        assertThat(objects).flatMap(StrictKubernetes::unknownFields).isEmpty();
        assertThat(objects).allSatisfy(object -> {
            JsonNode labels = object.at("/metadata/labels");
            String which = object.path("kind").asText() + " " + object.at("/metadata/name").asText();
            assertThat(labels.path("app.kubernetes.io/name").asText()).as(which).isEqualTo("corvus");
            assertThat(labels.path("app.kubernetes.io/instance").asText()).as(which).isEqualTo(Chart.RELEASE);
            assertThat(labels.path("app.kubernetes.io/component").asText()).as(which).isNotEmpty();
            assertThat(labels.path("app.kubernetes.io/managed-by").asText()).as(which).isEqualTo("Helm");
        });
    }

    @Test
    void thePlatformRoleInstallsTheThreeServicesWithProbesAndBudgetsAndNoAgent() {
        List<JsonNode> objects = Chart.render(Map.of());

        assertThat(Chart.ofKind(objects, "Deployment")).extracting(d -> d.at("/metadata/name").asText())
                .containsExactlyInAnyOrder(FULLNAME + "-config-service", FULLNAME + "-gateway-elector", FULLNAME + "-cloud-provisioner");
        assertThat(Chart.ofKind(objects, "DaemonSet")).isEmpty();
        assertThat(Chart.ofKind(objects, "PodDisruptionBudget")).hasSize(3);
        assertThat(Chart.ofKind(objects, "Deployment")).allSatisfy(deployment -> {
            JsonNode container = Chart.container(deployment);
            assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
            assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
            assertThat(container.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
            assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
            assertThat(container.at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
            assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
        });
    }

    @Test
    void theMemberRoleRunsTheAgentOnEveryNodeWithNetAdminAloneAndItsNodeFromTheDownwardApi() {
        List<JsonNode> objects = Chart.render(Map.of("role", "member", "clusterId", "edge-east"));

        assertThat(Chart.ofKind(objects, "Deployment")).isEmpty();
        JsonNode agent = Chart.find(objects, "DaemonSet", FULLNAME + "-agent").orElseThrow();
        JsonNode pod = agent.at("/spec/template/spec");
        assertThat(pod.path("hostNetwork").asBoolean()).isTrue();
        assertThat(pod.at("/tolerations/0/operator").asText()).as("every node, tainted ones too").isEqualTo("Exists");
        JsonNode container = Chart.container(agent);
        assertThat(container.at("/securityContext/capabilities/add")).extracting(JsonNode::asText).containsExactly("NET_ADMIN");
        assertThat(container.at("/securityContext/capabilities/drop")).extracting(JsonNode::asText).containsExactly("ALL");
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(Chart.environment(container)).containsEntry("CORVUS_AGENT_NODE_NAME", "field:spec.nodeName")
                .containsEntry("CORVUS_AGENT_CLUSTER_ID", "edge-east");
        assertThat(pod.at("/volumes")).anySatisfy(volume -> assertThat(volume.at("/hostPath/path").asText()).isEqualTo("/var/lib/corvus"));
    }

    @Test
    void kafkaLoginsComeFromSecretsAndNeverFromValues() {
        List<JsonNode> objects = Chart.render(Map.of("kafka.securityProtocol", "SASL_SSL", "kafka.sasl.mechanism", "PLAIN",
                "kafka.sasl.existingSecret", "kafka-login", "kafka.tls.caSecret", "kafka-ca"));

        assertThat(Chart.ofKind(objects, "Deployment")).allSatisfy(deployment -> assertThat(Chart.environment(Chart.container(deployment)))
                .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL").containsEntry("KAFKA_SASL_MECHANISM", "PLAIN")
                .containsEntry("KAFKA_SASL_JAAS_CONFIG", "secret:kafka-login/sasl.jaas.config")
                .containsEntry("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/corvus/kafka-ca/ca.crt"));
        assertThat(Chart.ofKind(objects, "Secret")).as("the chart makes no Secret holding credentials").isEmpty();
    }

    /** Values that must be refused, and what the refusal must say. */
    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(Map.of("role", "both"), "role"),
                Arguments.of(Map.of("role", "member"), "clusterId"),
                Arguments.of(Map.of("role", "member", "clusterId", "Edge_East"), "clusterId"),
                Arguments.of(Map.of("platform.configService.replicas", "0"), "replicas"),
                Arguments.of(Map.of("platform.configServce.replicas", "2"), "configServce"),
                Arguments.of(Map.of("kafka.bootstrapServers", "kafka"), "bootstrapServers"),
                Arguments.of(Map.of("kafka.securityProtocol", "TLS"), "securityProtocol"),
                Arguments.of(Map.of("kafka.securityProtocol", "SASL_SSL"), "sasl"),
                Arguments.of(Map.of("member.agent.tunnelDriver", "boringtun"), "tunnelDriver"),
                Arguments.of(Map.of("platform.gatewayElector.heartbeatInterval", "one second"), "heartbeatInterval"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void badValuesAreRefusedNamingTheField(Map<String, String> values, String field) {
        Map<String, String> all = new LinkedHashMap<>(values);

        assertThatThrownBy(() -> Chart.render(all)).hasMessageContaining(field);
    }
}
