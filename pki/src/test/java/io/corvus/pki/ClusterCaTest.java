package io.corvus.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCaTest {

    @Test
    void aNodeCertificateIsSignedByTheClusterCaAndNamesTheNode(@TempDir Path folder) throws Exception {
        ClusterCa ca = ClusterCa.create("c1", Duration.ofDays(365));

        NodeCredentials node = ca.issue("edge-1", List.of("192.168.10.11"), Duration.ofDays(30));

        X509Certificate cert = node.certificate();
        cert.verify(ca.certificate().getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=edge-1").contains("OU=c1");
        assertThat(cert.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList()).contains("edge-1", "192.168.10.11");
        assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(node.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void theFilesOfANodeCanBeReadBackAndTheKeysAreOwnerOnly(@TempDir Path folder) throws Exception {
        ClusterCa ca = ClusterCa.create("c1", Duration.ofDays(365));
        ca.writeTo(folder);

        NodeCredentials.PemFiles files = ClusterCa.load(folder).issue("cloud-1", List.of(), Duration.ofDays(1)).writeTo(folder);

        assertThat(Files.readString(files.certificate())).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(files.key())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.getPosixFilePermissions(files.key())).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(folder.resolve("ca.key"))).doesNotContain(PosixFilePermission.OTHERS_READ);
        assertThat(ClusterCa.Pem.certificates(Files.readString(files.ca()))).containsExactly(ca.certificate());
    }

    @Test
    void anotherClustersCaDidNotSignIt() throws Exception {
        ClusterCa ours = ClusterCa.create("c1", Duration.ofDays(1));
        ClusterCa theirs = ClusterCa.create("c2", Duration.ofDays(1));

        X509Certificate foreign = theirs.issue("edge-1", List.of(), Duration.ofDays(1)).certificate();

        assertThatThrownBy(() -> foreign.verify(ours.certificate().getPublicKey())).isInstanceOf(SignatureException.class);
    }

    @Test
    void aKeyStoreHoldsTheKeyWithItsChainAndIsOwnerOnly(@TempDir Path folder) throws Exception {
        ClusterCa ca = ClusterCa.create("c1", Duration.ofDays(1));
        NodeCredentials kafka = ca.issue("kafka", List.of("127.0.0.1"), Duration.ofDays(1));

        Path file = kafka.writeKeyStore(folder.resolve("kafka.p12"), "store-secret");

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(file)) {
            store.load(in, "store-secret".toCharArray());
        }
        assertThat(store.getKey("kafka", "store-secret".toCharArray())).isEqualTo(kafka.key());
        assertThat(store.getCertificateChain("kafka")).containsExactly(kafka.certificate(), ca.certificate());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aNodesOwnKeyIsCertifiedFromItsRequestAndTheCertificateChainsToTheCa() throws Exception {
        ClusterCa ca = ClusterCa.create("c1", Duration.ofDays(1));
        KeyPair keys = ClusterCa.newKeyPair();

        NodeRequest request = NodeRequest.parse(NodeRequest.create("edge-1", "c1", keys).pem());
        X509Certificate certificate = ca.sign(request, Duration.ofDays(30));

        assertThat(request.nodeName()).isEqualTo("edge-1");
        assertThat(certificate.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=edge-1", "OU=c1");
        certificate.verify(ca.certificate().getPublicKey());
        assertThat(ClusterCa.fromPem(ca.certificatePem(), ca.keyPem()).certificate()).isEqualTo(ca.certificate());
    }

    @Test
    void aRequestOfAnotherClusterOrNotSignedByItsKeyIsRefused() throws Exception {
        ClusterCa ca = ClusterCa.create("c1", Duration.ofDays(1));
        NodeRequest otherCluster = NodeRequest.create("edge-1", "c2", ClusterCa.newKeyPair());
        String pem = NodeRequest.create("edge-1", "c1", ClusterCa.newKeyPair()).pem();
        String tampered = pem.substring(0, pem.length() / 2) + (pem.charAt(pem.length() / 2) == 'A' ? 'B' : 'A') + pem.substring(pem.length() / 2 + 1);

        assertThatThrownBy(() -> ca.sign(otherCluster, Duration.ofDays(1))).hasMessageContaining("cluster c2");
        assertThatThrownBy(() -> NodeRequest.parse(tampered)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeRequest.parse("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
