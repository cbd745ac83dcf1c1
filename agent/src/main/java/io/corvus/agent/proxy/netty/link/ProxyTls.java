package io.corvus.agent.proxy.netty.link;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.corvus.agent.proxy.TlsFiles;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.jboss.logging.Logger;

/**
 * TLS 1.3 for the link and the HTTPS front door: both sides present a node certificate signed by
 * the cluster's Corvus CA and trust only that CA. Who the peer is comes from its certificate's
 * common name, the node name, which the caller checks against the topology.
 *
 * <p>BoringSSL (netty-tcnative) is used when its native library loads: it encrypts several times faster
 * than the JDK's provider and works on direct buffers, which is most of the link's CPU. Otherwise the
 * JDK's TLS does the same job, slower.
 */
public final class ProxyTls {

    private static final Logger LOG = Logger.getLogger(ProxyTls.class);
    private static final String[] PROTOCOLS = {"TLSv1.3"};
    /** AES-128 first: as safe for a session key and cheaper than AES-256 with AES-NI. */
    private static final List<String> CIPHERS =
            List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
    private static final SslProvider PROVIDER = chooseProvider();

    private ProxyTls() {
    }

    /** The server side: a client certificate signed by the CA is required. */
    public static SslContext server(TlsFiles files) {
        try {
            return SslContextBuilder.forServer(files.certificate().toFile(), files.key().toFile())
                    .trustManager(files.ca().toFile()).clientAuth(ClientAuth.REQUIRE).protocols(PROTOCOLS).ciphers(CIPHERS).sslProvider(PROVIDER).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot load the node's TLS files " + files + ": " + e.getMessage(), e);
        }
    }

    /** The client side: presents the node certificate, trusts only the CA. */
    public static SslContext client(TlsFiles files) {
        try {
            return SslContextBuilder.forClient().keyManager(files.certificate().toFile(), files.key().toFile())
                    .trustManager(files.ca().toFile()).protocols(PROTOCOLS).ciphers(CIPHERS).sslProvider(PROVIDER).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot load the node's TLS files " + files + ": " + e.getMessage(), e);
        }
    }

    /** Which TLS implementation the proxy uses: "OPENSSL" (BoringSSL) or "JDK". */
    public static String provider() {
        return PROVIDER.name();
    }

    private static SslProvider chooseProvider() {
        if (OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL)) {
            LOG.debugf("proxy TLS: %s", OpenSsl.versionString());
            return SslProvider.OPENSSL;
        }
        Throwable cause = OpenSsl.unavailabilityCause();
        LOG.infof("proxy TLS: the JDK's provider (BoringSSL not loadable: %s)", cause == null ? "no TLS 1.3" : cause.getMessage());
        return SslProvider.JDK;
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
