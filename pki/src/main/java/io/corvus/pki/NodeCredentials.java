package io.corvus.pki;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
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

    /** Writes the certificate, its CA and the key as a PKCS12 key store (owner-only), for servers that take no PEM (Kafka). */
    public Path writeKeyStore(Path file, String password) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(nodeName, key, password.toCharArray(), new Certificate[] {certificate, ca});
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            store.store(bytes, password.toCharArray());
            Files.createDirectories(file.toAbsolutePath().getParent());
            SecretFiles.write(file, bytes.toByteArray());
            return file;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a key store for " + nodeName + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "NodeCredentials[" + nodeName + ", " + certificate.getSubjectX500Principal() + "]";
    }
}
