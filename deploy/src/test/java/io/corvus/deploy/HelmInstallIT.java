package io.corvus.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both roles installed by the real Helm engine into the Kubernetes test server: the objects are
 * there afterwards. Helm keeps its release record in memory (HELM_DRIVER=memory, set in the pom):
 * the Secret it keeps otherwise is written as protobuf, which the test server cannot read. The
 * release's test hook runs {@code corvus check-api}, which LocalStackIT runs against a real stack.
 */
class HelmInstallIT {

    private KubernetesMockServer server;
    private KubernetesClient client;
    private String kubeconfig;

    @BeforeEach
    void start() {
        Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), expectations, new KubernetesMixedDispatcher(expectations), false);
        server.init();
        KubernetesDiscovery.serve(server);
        client = server.createClient();
        kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters: [{name: test, cluster: {server: "%s"}}]
                contexts: [{name: test, context: {cluster: test, user: test}}]
                current-context: test
                users: [{name: test, user: {token: test}}]
                """.formatted(server.url("/"));
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void thePlatformRoleInstallsItsServicesWithTheirDisruptionBudgets() {
        Release release = new Helm(Chart.PATH).install().withName(Chart.RELEASE).withNamespace(Chart.NAMESPACE)
                .withKubeConfigContents(kubeconfig).disableOpenApiValidation().call();

        assertThat(release.getStatus()).isEqualTo("deployed");
        assertThat(client.apps().deployments().inNamespace(Chart.NAMESPACE).list().getItems()).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("corvus-config-service", "corvus-gateway-elector", "corvus-cloud-provisioner");
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(Chart.NAMESPACE).list().getItems()).hasSize(3);
    }

    @Test
    void theMemberRoleInstallsTheAgentAndWhatThePlatformNeedsToReadTheCluster() {
        Release release = new Helm(Chart.PATH).install().withName(Chart.RELEASE).withNamespace(Chart.NAMESPACE).set("role", "member")
                .set("clusterId", "edge-east").withKubeConfigContents(kubeconfig).disableOpenApiValidation().call();

        assertThat(release.getStatus()).isEqualTo("deployed");
        assertThat(client.apps().daemonSets().inNamespace(Chart.NAMESPACE).withName("corvus-agent").get()).isNotNull();
        assertThat(client.serviceAccounts().inNamespace(Chart.NAMESPACE).withName("corvus-platform").get()).isNotNull();
        assertThat(client.rbac().clusterRoles().withName("corvus-platform").get().getRules())
                .anySatisfy(rule -> assertThat(rule.getResources()).contains("signers"));
    }
}
