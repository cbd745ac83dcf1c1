package io.corvus.agent.proxy.netty.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import io.corvus.pki.ClusterCa;

/**
 * When the node's certificate expires, for its heartbeat (so {@code corvus diagnose} sees every
 * node's, not only the link servers' it can reach). The file is parsed again only when it
 * changes: certificates are renewed in place, and heartbeats ask every second.
 */
public final class CertificateExpiry {

    private record Read(FileTime modified, long size, Instant notAfter) {
    }

    private final Path certificate;
    private volatile Read last;

    /** @param certificate the node's PEM certificate file, or null when it has none */
    public CertificateExpiry(Path certificate) {
        this.certificate = certificate;
    }

    /** The certificate's notAfter; null without a file, or while it is missing or unreadable (the proxy says why when it needs it). */
    public Instant notAfter() {
        if (certificate == null) {
            return null;
        }
        try {
            BasicFileAttributes now = Files.readAttributes(certificate, BasicFileAttributes.class);
            Read known = last;
            if (known != null && known.modified().equals(now.lastModifiedTime()) && known.size() == now.size()) {
                return known.notAfter();
            }
            List<X509Certificate> chain = ClusterCa.Pem.certificates(Files.readString(certificate));
            Instant notAfter = chain.isEmpty() ? null : chain.getFirst().getNotAfter().toInstant();
            last = new Read(now.lastModifiedTime(), now.size(), notAfter);
            return notAfter;
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }
}
