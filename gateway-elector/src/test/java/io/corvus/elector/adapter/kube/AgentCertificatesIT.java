package io.corvus.elector.adapter.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import io.corvus.pki.ClusterCa;
import io.corvus.pki.NodeRequest;
import io.corvus.testing.KafkaBrokerTestResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The signer corvus.io/agent in cluster k1, against the Kubernetes test server: an agent's request
 * for a node of the cluster is approved and signed by the cluster's CA (made on first need, kept
 * in a Secret), with the node's own key; a request for a node the cluster does not have, from
 * another account, or for another cluster is denied, saying why.
 */
@QuarkusTest
@TestProfile(InClusterProfile.class)
@WithTestResource(KubernetesWithApprovals.class)
@WithTestResource(value = KafkaBrokerTestResource.class, scope = TestResourceScope.GLOBAL)
class AgentCertificatesIT {

    private static final String AGENT = "system:serviceaccount:corvus-system:corvus-agent";

    @Inject
    KubernetesClient kubernetes;

    @Test
    void anAgentsRequestForANodeOfTheClusterIsSignedForTheNodesOwnKey() throws Exception {
        kubernetes.nodes().resource(new NodeBuilder().withNewMetadata().withName("edge-1").endMetadata().build()).create();
        KeyPair keys = ClusterCa.newKeyPair();

        CertificateSigningRequest answered = ask("edge-1-request", NodeRequest.create("edge-1", "k1", keys), AGENT);

        assertThat(answered.getStatus().getConditions()).extracting(CertificateSigningRequestCondition::getType).contains("Approved");
        List<X509Certificate> chain = ClusterCa.Pem.certificates(new String(Base64.getDecoder().decode(answered.getStatus().getCertificate()),
                StandardCharsets.US_ASCII));
        Secret kept = kubernetes.secrets().withName(ClusterAuthorities.SECRET_PREFIX + "k1").get();
        X509Certificate ca = ClusterCa.Pem.certificates(new String(Base64.getDecoder().decode(kept.getData().get("ca.crt")),
                StandardCharsets.US_ASCII)).getFirst();
        assertThat(chain).hasSize(2);
        assertThat(chain.getFirst().getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(chain.getFirst().getSubjectX500Principal().getName()).contains("CN=edge-1", "OU=k1");
        chain.getFirst().verify(ca.getPublicKey());
        assertThat(chain.get(1)).isEqualTo(ca);
    }

    @Test
    void requestsThatAreNotAnAgentsOfThisClusterAreDeniedSayingWhy() throws Exception {
        kubernetes.nodes().resource(new NodeBuilder().withNewMetadata().withName("edge-2").endMetadata().build()).create();

        assertThat(denial(ask("unknown-node", NodeRequest.create("nobody", "k1", ClusterCa.newKeyPair()), AGENT)))
                .contains("cluster k1 has no node nobody");
        assertThat(denial(ask("other-account", NodeRequest.create("edge-2", "k1", ClusterCa.newKeyPair()),
                "system:serviceaccount:default:builder"))).contains("not by Corvus's agent service account");
        assertThat(denial(ask("other-cluster", NodeRequest.create("edge-2", "k2", ClusterCa.newKeyPair()), AGENT)))
                .contains("for cluster k2");
    }

    /** Creates the request as the API server would hold it (with the requester's name) and waits until it is answered. */
    private CertificateSigningRequest ask(String name, NodeRequest request, String requester) {
        kubernetes.certificates().v1().certificateSigningRequests().resource(new CertificateSigningRequestBuilder().withNewMetadata()
                .withName(name).endMetadata().withNewSpec().withSignerName(AgentCertificateSigner.SIGNER).withUsername(requester)
                .withUsages("digital signature", "client auth", "server auth")
                .withRequest(Base64.getEncoder().encodeToString(request.pem().getBytes(StandardCharsets.US_ASCII))).endSpec().build())
                .create();
        CertificateSigningRequest[] answered = new CertificateSigningRequest[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            answered[0] = kubernetes.certificates().v1().certificateSigningRequests().withName(name).get();
            var status = answered[0].getStatus();
            return status != null && ((status.getCertificate() != null && !status.getCertificate().isEmpty())
                    || status.getConditions() != null && status.getConditions().stream().anyMatch(c -> "Denied".equals(c.getType())));
        });
        return answered[0];
    }

    private static String denial(CertificateSigningRequest request) {
        return request.getStatus().getConditions().stream().filter(c -> "Denied".equals(c.getType())).findFirst()
                .map(CertificateSigningRequestCondition::getMessage).orElse("not denied");
    }
}
