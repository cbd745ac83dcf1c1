package io.corvus.agent.kube;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corvus.agent.proxy.TlsFiles;
import io.corvus.events.Json;
import io.corvus.pki.ClusterCa;
import io.corvus.pki.NodeRequest;
import io.corvus.pki.SecretFiles;
import org.jboss.logging.Logger;

/**
 * The node's certificate from its cluster's Corvus CA, without a private key ever leaving the
 * node or living anywhere else: the agent makes its key, asks with a CertificateSigningRequest
 * (signer {@value #SIGNER}) and waits until the platform's gateway-elector approved and signed it.
 * The key, the certificate and the CA that signed it are written to the proxy's TLS files.
 */
public final class NodeCertificates {

    public static final String SIGNER = "corvus.io/agent";
    private static final Logger LOG = Logger.getLogger(NodeCertificates.class);
    private static final String REQUESTS = "/apis/certificates.k8s.io/v1/certificatesigningrequests";

    private final KubernetesApi api;
    private final TlsFiles files;
    private final String nodeName;
    private final String clusterId;
    private final Clock clock;

    public NodeCertificates(URI apiServer, Optional<Path> tokenFile, Optional<Path> caFile, TlsFiles files, String nodeName,
            String clusterId, Clock clock) throws IOException {
        this.api = new KubernetesApi(apiServer, tokenFile, caFile);
        this.files = files;
        this.nodeName = nodeName;
        this.clusterId = clusterId;
        this.clock = clock;
    }

    /** The files hold this node's certificate, its key and CA, with a third of its life or more left. */
    public boolean current() {
        try {
            if (!Files.exists(files.key()) || !Files.exists(files.ca()) || !Files.exists(files.certificate())) {
                return false;
            }
            X509Certificate certificate = ClusterCa.Pem.certificates(Files.readString(files.certificate())).getFirst();
            Instant from = certificate.getNotBefore().toInstant();
            Instant until = certificate.getNotAfter().toInstant();
            return certificate.getSubjectX500Principal().getName().contains("CN=" + nodeName)
                    && clock.instant().isBefore(until.minus(Duration.between(from, until).dividedBy(3)));
        } catch (IOException | RuntimeException unreadable) {
            return false;
        }
    }

    /**
     * Asks for a certificate for a new key and waits until it is issued, looking every
     * {@code pollEvery}, or until {@code stopping} is counted down.
     *
     * @throws IOException when the request is denied or fails (the reason is the cluster's), or the API cannot be reached
     */
    public void obtain(Duration pollEvery, CountDownLatch stopping) throws IOException, InterruptedException {
        KeyPair keys;
        try {
            keys = ClusterCa.newKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make the node's key: " + e.getMessage(), e);
        }
        NodeRequest request = NodeRequest.create(nodeName, clusterId, keys);
        String name = "corvus-agent-" + nodeName + "-" + fingerprint(keys);
        api.create(REQUESTS, csr(name, request));
        LOG.infof("asked for the certificate of node %s: CertificateSigningRequest %s (signer %s); the platform's gateway-elector "
                + "approves and signs it once it follows cluster %s", nodeName, name, SIGNER, clusterId);
        while (true) {
            JsonNode found = api.get(REQUESTS + "/" + name).orElseThrow(() -> new IOException("CertificateSigningRequest " + name
                    + " is gone before it was signed"));
            for (JsonNode condition : found.at("/status/conditions")) {
                String type = condition.path("type").asText();
                if (("Denied".equals(type) || "Failed".equals(type)) && "True".equals(condition.path("status").asText("True"))) {
                    throw new IOException("CertificateSigningRequest " + name + " was " + type.toLowerCase(Locale.ROOT) + ": "
                            + condition.path("reason").asText() + ": " + condition.path("message").asText());
                }
            }
            String issued = found.at("/status/certificate").asText("");
            if (!issued.isEmpty()) {
                write(keys, new String(Base64.getDecoder().decode(issued), StandardCharsets.US_ASCII), name);
                return;
            }
            if (stopping.await(pollEvery.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new InterruptedException("the agent is stopping");
            }
        }
    }

    private ObjectNode csr(String name, NodeRequest request) {
        ObjectNode csr = Json.mapper().createObjectNode();
        csr.put("apiVersion", "certificates.k8s.io/v1").put("kind", "CertificateSigningRequest");
        ObjectNode metadata = csr.putObject("metadata");
        metadata.put("name", name);
        metadata.putObject("labels").put("app.kubernetes.io/name", "corvus").put("app.kubernetes.io/component", "agent");
        ObjectNode spec = csr.putObject("spec");
        spec.put("request", Base64.getEncoder().encodeToString(request.pem().getBytes(StandardCharsets.US_ASCII)));
        spec.put("signerName", SIGNER);
        spec.putArray("usages").add("digital signature").add("client auth").add("server auth");
        return csr;
    }

    /** The key first (owner-only), the CA, then the certificate: a reader that finds the certificate finds the rest. */
    private void write(KeyPair keys, String chain, String name) throws IOException {
        List<X509Certificate> certificates = ClusterCa.Pem.certificates(chain);
        if (certificates.size() < 2 || !certificates.getFirst().getPublicKey().equals(keys.getPublic())) {
            throw new IOException("CertificateSigningRequest " + name + " was answered with " + certificates.size()
                    + " certificate(s) that do not certify this node's key followed by its CA");
        }
        Files.createDirectories(files.key().toAbsolutePath().getParent());
        SecretFiles.write(files.key(), ClusterCa.Pem.privateKeyText(keys.getPrivate()));
        StringBuilder cas = new StringBuilder();
        certificates.subList(1, certificates.size()).forEach(ca -> cas.append(ClusterCa.Pem.certificateText(ca)));
        Files.writeString(files.ca(), cas);
        Files.writeString(files.certificate(), ClusterCa.Pem.certificateText(certificates.getFirst()));
        LOG.infof("node %s has its certificate (valid until %s)", nodeName, certificates.getFirst().getNotAfter().toInstant());
    }

    private static String fingerprint(KeyPair keys) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(keys.getPublic().getEncoded()), 0, 5);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
