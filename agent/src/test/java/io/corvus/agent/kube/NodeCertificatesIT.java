package io.corvus.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.corvus.agent.proxy.TlsFiles;
import io.corvus.pki.ClusterCa;
import io.corvus.pki.NodeRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's certificate through a CertificateSigningRequest, against the Kubernetes test server:
 * the agent asks with a request its own key signed, the test signs it as the platform's elector
 * would (conditions written as status: the test server has no approval subresource), and the
 * agent writes the key (owner-only), the certificate and the CA; a denial reaches the agent with
 * the signer's reason.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class NodeCertificatesIT {

    static KubernetesMockServer server;
    static KubernetesClient client;

    private final ClusterCa ca = ClusterCa.create("c1", Duration.ofDays(30));

    @Test
    void aNodeGetsItsCertificateFromTheClustersCaWithoutItsKeyLeavingTheNode(@TempDir Path tls) throws Exception {
        NodeCertificates node = certificates(tls, "edge-1");
        assertThat(node.current()).isFalse();

        CompletableFuture<String> signed = CompletableFuture.supplyAsync(() -> answer(request -> {
            X509Certificate certificate = ca.sign(NodeRequest.parse(pemOf(request)), Duration.ofDays(90));
            CertificateSigningRequest approved = client.certificates().v1().certificateSigningRequests()
                    .withName(request.getMetadata().getName()).get();
            approved.setStatus(new CertificateSigningRequestStatusBuilder().withConditions(new CertificateSigningRequestConditionBuilder()
                    .withType("Approved").withStatus("True").withReason("CorvusAgentNode").withMessage("node edge-1 of cluster c1").build())
                    .withCertificate(Base64.getEncoder().encodeToString((ClusterCa.Pem.certificateText(certificate) + ca.certificatePem())
                            .getBytes(StandardCharsets.US_ASCII)))
                    .build());
            client.certificates().v1().certificateSigningRequests().resource(approved).updateStatus();
            return request.getSpec().getSignerName();
        }));
        node.obtain(Duration.ofMillis(100), new CountDownLatch(1));

        assertThat(signed.get(10, TimeUnit.SECONDS)).isEqualTo(NodeCertificates.SIGNER);
        assertThat(node.current()).isTrue();
        X509Certificate certificate = ClusterCa.Pem.certificates(Files.readString(tls.resolve("node.crt"))).getFirst();
        assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=edge-1", "OU=c1");
        certificate.verify(ca.certificate().getPublicKey());
        assertThat(ClusterCa.Pem.certificates(Files.readString(tls.resolve("ca.crt")))).containsExactly(ca.certificate());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve("node.key")))).isEqualTo("rw-------");
        assertThat(Files.readString(tls.resolve("node.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void aDeniedRequestReachesTheAgentWithTheSignersReason(@TempDir Path tls) throws Exception {
        NodeCertificates node = certificates(tls, "intruder");

        CompletableFuture.runAsync(() -> answer(request -> {
            request.setStatus(new CertificateSigningRequestStatusBuilder().withConditions(new CertificateSigningRequestConditionBuilder()
                    .withType("Denied").withStatus("True").withReason("UnknownNode").withMessage("cluster c1 has no node intruder").build())
                    .build());
            return client.certificates().v1().certificateSigningRequests().resource(request).updateStatus();
        }));

        assertThatThrownBy(() -> node.obtain(Duration.ofMillis(100), new CountDownLatch(1))).hasMessageContaining("denied")
                .hasMessageContaining("UnknownNode: cluster c1 has no node intruder");
        assertThat(tls.resolve("node.key")).doesNotExist();
    }

    private static NodeCertificates certificates(Path tls, String nodeName) throws Exception {
        return new NodeCertificates(URI.create(server.url("/")), Optional.empty(), Optional.empty(),
                new TlsFiles(tls.resolve("node.crt"), tls.resolve("node.key"), tls.resolve("ca.crt")), nodeName, "c1", Clock.systemUTC());
    }

    /** Waits for the agent's request, then answers it as the signer would. */
    private static <T> T answer(Function<CertificateSigningRequest, T> signer) {
        CertificateSigningRequest[] asked = new CertificateSigningRequest[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var found = client.certificates().v1().certificateSigningRequests().list().getItems().stream()
                    .filter(csr -> csr.getStatus() == null || csr.getStatus().getConditions() == null
                            || csr.getStatus().getConditions().isEmpty()).findFirst();
            found.ifPresent(csr -> asked[0] = csr);
            return found.isPresent();
        });
        return signer.apply(asked[0]);
    }

    private static String pemOf(CertificateSigningRequest request) {
        return new String(Base64.getDecoder().decode(request.getSpec().getRequest()), StandardCharsets.US_ASCII);
    }
}
