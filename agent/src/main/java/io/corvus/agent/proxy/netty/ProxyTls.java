package io.corvus.agent.proxy.netty;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

/**
 * TLS 1.3 for the tunnel and the HTTPS front door: both sides present a node certificate signed by
 * the cluster's Corvus CA and trust only that CA. Who the peer is comes from its certificate's
 * common name, the node name, which the caller checks against the topology.
 */
public final class ProxyTls {

    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private ProxyTls() {
    }

    /** The server side: a client certificate signed by the CA is required. */
    public static SslContext server(TlsFiles files) {
        try {
            return SslContextBuilder.forServer(files.certificate().toFile(), files.key().toFile())
                    .trustManager(files.ca().toFile()).clientAuth(ClientAuth.REQUIRE).protocols(PROTOCOLS).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot load the node's TLS files " + files + ": " + e.getMessage(), e);
        }
    }

    /** The client side: presents the node certificate, trusts only the CA. */
    public static SslContext client(TlsFiles files) {
        try {
            return SslContextBuilder.forClient().keyManager(files.certificate().toFile(), files.key().toFile())
                    .trustManager(files.ca().toFile()).protocols(PROTOCOLS).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot load the node's TLS files " + files + ": " + e.getMessage(), e);
        }
    }

    /** The node name in the peer's certificate (its common name), once the handshake is done. */
    public static Optional<String> peerNode(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
                return Optional.empty();
            }
            for (String part : certificate.getSubjectX500Principal().getName().split(",")) {
                if (part.startsWith("CN=")) {
                    return Optional.of(part.substring(3));
                }
            }
            return Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }
}
