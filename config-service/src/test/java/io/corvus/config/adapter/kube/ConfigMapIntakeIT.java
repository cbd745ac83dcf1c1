package io.corvus.config.adapter.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.corvus.config.adapter.kafka.ConfigTopic;
import io.corvus.config.app.ConfigService;
import io.corvus.testing.KafkaBrokerTestResource;
import io.corvus.testing.TestBrokers;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(GitOpsProfile.class)
@WithKubernetesTestServer(crud = true)
@WithTestResource(value = KafkaBrokerTestResource.class, scope = TestResourceScope.GLOBAL)
class ConfigMapIntakeIT {

    private static final String NAMESPACE = "corvus-test";

    @Inject
    KubernetesClient kubernetes;

    @Inject
    ConfigService service;

    @Test
    void aValidConfigMapIsPublishedAndSaysWhichRevisionItBecame() {
        create("gitops-good", """
                proxy:
                  enabled: true
                accessControlList: 203.0.113.0/24,198.51.100.7/32
                nodePools:
                  hangzhou-edge:
                    proxyReplicas: 2
                """);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(annotations("gitops-good"))
                .containsEntry(ConfigMapIntake.REVISION_ANNOTATION, "1")
                .hasEntrySatisfying(ConfigMapIntake.STATUS_ANNOTATION, status -> assertThat(status)
                        .startsWith("accepted revision 1; added 100.64.0.0/10")));
        assertThat(service.get("gitops-good")).hasValueSatisfying(current -> {
            assertThat(current.actor()).isEqualTo("configmap:corvus-test/gitops-good");
            assertThat(current.config().nodePools()).containsKey("hangzhou-edge");
        });
        assertThat(ConfigTopic.of(TestBrokers.bootstrapServers(), "gitops-good")).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> events("gitops-good").stream()
                .anyMatch(e -> e.getReason().equals("ConfigAccepted") && e.getType().equals("Normal")));

        kubernetes.configMaps().inNamespace(NAMESPACE).withName("gitops-good").edit(cm -> {
            cm.getData().put(ConfigMapIntake.DATA_KEY, "tunnel:\n  enabled: true\n");
            return cm;
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(annotations("gitops-good"))
                .containsEntry(ConfigMapIntake.REVISION_ANNOTATION, "2"));
        assertThat(service.get("gitops-good")).hasValueSatisfying(current ->
                assertThat(current.config().tunnel().enabled()).isTrue());
    }

    @Test
    void anInvalidConfigMapIsRejectedWithThePointerAndPublishesNothing() {
        create("gitops-bad", """
                accessControlList:
                  - 10.0.0.1/24
                proxy:
                  enabled: maybe
                """);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(annotations("gitops-bad"))
                .hasEntrySatisfying(ConfigMapIntake.STATUS_ANNOTATION, status -> assertThat(status)
                        .startsWith("rejected: ")
                        .contains("/accessControlList/0: '10.0.0.1/24' has host bits set; the network is 10.0.0.0/24")
                        .contains("/proxy/enabled: must be true or false")));
        await().atMost(Duration.ofSeconds(10)).until(() -> events("gitops-bad").stream()
                .anyMatch(e -> e.getReason().equals("ConfigRejected") && e.getType().equals("Warning")));
        assertThat(service.get("gitops-bad")).isEmpty();
        assertThat(ConfigTopic.of(TestBrokers.bootstrapServers(), "gitops-bad")).isEmpty();
    }

    @Test
    void aConfigMapWithoutTheLabelIsIgnored() {
        kubernetes.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("not-ours").withNamespace(NAMESPACE).endMetadata()
                .withData(Map.of(ConfigMapIntake.DATA_KEY, "{}")).build()).create();
        create("gitops-marker", "{}");

        await().atMost(Duration.ofSeconds(30)).until(() -> annotations("gitops-marker").containsKey(ConfigMapIntake.STATUS_ANNOTATION));
        assertThat(annotations("not-ours")).doesNotContainKey(ConfigMapIntake.STATUS_ANNOTATION);
        assertThat(service.get("not-ours")).isEmpty();
    }

    private void create(String name, String yaml) {
        kubernetes.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .addToLabels(ConfigMapIntake.LABEL, "true").endMetadata()
                .withData(Map.of(ConfigMapIntake.DATA_KEY, yaml)).build()).create();
    }

    private Map<String, String> annotations(String name) {
        ConfigMap configMap = kubernetes.configMaps().inNamespace(NAMESPACE).withName(name).get();
        return configMap == null || configMap.getMetadata().getAnnotations() == null ? Map.of()
                : configMap.getMetadata().getAnnotations();
    }

    private List<Event> events(String name) {
        return kubernetes.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
    }
}
