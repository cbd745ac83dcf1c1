package io.corvus.agent.boot;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.corvus.agent.kube.NodeCertificates;
import io.corvus.agent.proxy.TlsFiles;
import io.corvus.agent.proxy.netty.ProxyRuntime;
import io.corvus.events.Backoff;
import org.jboss.logging.Logger;

/**
 * With corvus.agent.certificates.request, makes sure the proxy's TLS files hold the node's
 * certificate: on a thread of its own, so the agent serves its health and heartbeats while the
 * request waits for the platform's signature; the proxy takes its roles once the files are there.
 */
final class CertificateRequester implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CertificateRequester.class);
    private static final Backoff RETRY = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(2));

    private final AgentSettings settings;
    private final ProxyRuntime proxy;
    private final Clock clock;
    private final CountDownLatch stopping = new CountDownLatch(1);

    CertificateRequester(AgentSettings settings, ProxyRuntime proxy, Clock clock) {
        this.settings = settings;
        this.proxy = proxy;
        this.clock = clock;
    }

    void start() throws IOException {
        AgentSettings.Certificates certificates = settings.certificates();
        if (!certificates.request()) {
            return;
        }
        AgentSettings.Proxy files = settings.proxy();
        if (files.certificate().isEmpty() || files.key().isEmpty() || files.ca().isEmpty()) {
            throw new IllegalStateException("corvus.agent.certificates.request needs corvus.agent.proxy.certificate, .key and .ca: "
                    + "the files to write the node's certificate, key and CA to");
        }
        NodeCertificates node = new NodeCertificates(certificates.apiServer(), Optional.of(certificates.tokenFile()),
                Optional.of(certificates.caFile()), new TlsFiles(files.certificate().get(), files.key().get(), files.ca().get()),
                settings.nodeName(), settings.clusterId(), clock);
        Thread.ofVirtual().name("node-certificate").start(() -> {
            try {
                for (int attempt = 1; !node.current(); attempt++) {
                    try {
                        node.obtain(certificates.pollInterval(), stopping);
                    } catch (IOException | RuntimeException e) {
                        Duration wait = RETRY.delay(attempt, ThreadLocalRandom.current());
                        LOG.warnf("the node's certificate: %s; asking again in %d s", e.getMessage(), wait.toSeconds());
                        if (stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                            return;
                        }
                    }
                }
                proxy.retry();
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Override
    public void close() {
        stopping.countDown();
    }
}
