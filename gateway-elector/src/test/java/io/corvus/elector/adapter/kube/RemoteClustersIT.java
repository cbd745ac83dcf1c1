package io.corvus.elector.adapter.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import io.corvus.events.Topic;
import io.corvus.events.kafka.TopicSnapshot;
import io.corvus.events.payload.NodeObserved;
import io.corvus.testing.KafkaBrokerTestResource;
import io.corvus.testing.TestBrokers;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** A kubeconfig Secret adds a cluster: here it points back at the test server, so its Nodes appear as cluster "k2" too. */
@QuarkusTest
@TestProfile(InClusterProfile.class)
@WithKubernetesTestServer(crud = true)
@WithTestResource(value = KafkaBrokerTestResource.class, scope = TestResourceScope.GLOBAL)
class RemoteClustersIT {

    @Inject
    KubernetesClient kubernetes;

    @Test
    void theNodesOfAClusterNamedByAKubeconfigSecretArePublishedUnderItsClusterId() {
        kubernetes.nodes().resource(new NodeBuilder().withNewMetadata().withName("remote-1")
                .withLabels(Map.of("apps.openyurt.io/nodepool", "far")).endMetadata().build()).create();
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: k2
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                contexts:
                - name: k2
                  context: {cluster: k2, user: k2}
                current-context: k2
                users:
                - name: k2
                  user: {token: test}
                """.formatted(kubernetes.getMasterUrl());
        kubernetes.secrets().resource(new SecretBuilder().withNewMetadata().withName("cluster-k2")
                .addToLabels(RemoteClusters.LABEL, "true").addToAnnotations(RemoteClusters.CLUSTER_ID_ANNOTATION, "k2").endMetadata()
                .withData(Map.of(RemoteClusters.DATA_KEY, Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8))))
                .build()).create();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                TopicSnapshot.read(TestBrokers.bootstrapServers(), Topic.NODES, "k2/remote-1"))
                .anySatisfy(entry -> assertThat(((NodeObserved) entry.event()).nodePool()).isEqualTo("far")));
        assertThat(TopicSnapshot.read(TestBrokers.bootstrapServers(), Topic.NODES, "k1/remote-1"))
                .as("and as a node of the cluster the elector runs in").isNotEmpty();
    }
}
