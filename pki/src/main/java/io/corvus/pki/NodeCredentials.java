package io.corvus.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A node's certificate and key, with the CA that signed it. Its text form never shows the key. */
public record NodeCredentials(String nodeName, X509Certificate certificate, PrivateKey key, X509Certificate ca) {

    /** The files an agent is given, by the names {@link #writeTo} uses. */
    public record PemFiles(Path certificate, Path key, Path ca) {
    }

    /** Writes {@code NODE.crt}, {@code NODE.key} (0600) and {@code ca.crt} into the folder. */
    public PemFiles writeTo(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path certFile = folder.resolve(nodeName + ".crt");
        Path keyFile = folder.resolve(nodeName + ".key");
        Path caFile = folder.resolve("ca.crt");
        ClusterCa.Pem.write(certFile, ClusterCa.Pem.certificateText(certificate), false);
        ClusterCa.Pem.write(keyFile, ClusterCa.Pem.privateKeyText(key), true);
        if (!Files.exists(caFile)) {
            ClusterCa.Pem.write(caFile, ClusterCa.Pem.certificateText(ca), false);
        }
        return new PemFiles(certFile, keyFile, caFile);
    }

    @Override
    public String toString() {
        return "NodeCredentials[" + nodeName + ", " + certificate.getSubjectX500Principal() + "]";
    }
}
