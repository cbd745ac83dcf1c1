package io.corvus.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import io.corvus.events.Raven;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.codec.EventFormatException;
import io.corvus.events.kafka.BootstrapReport;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.corvus.events.kafka.Positions;
import io.corvus.events.kafka.TopicBootstrap;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.GatewayTopology.EndpointType;
import io.corvus.events.view.OverviewSnapshot;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corvus diagnose --cluster ID}: the problems users of these systems hit, each checked and
 * explained with its fix: a whitelist without the CLB's health-check range, stale heartbeats,
 * agents' clocks off, certificates near expiry, topics that drifted from the catalog, provisioning
 * stuck, nodes in no pool, a tunnel MTU below what a 1,500-byte underlay gives.
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = {"Looks for the usual problems of a cluster and says how to fix each. Exit 1 when one is found."})
final class DiagnoseCommand extends ClusterCommand implements Callable<Integer> {


    @Option(names = "--listen", defaultValue = "3s", paramLabel = "DURATION",
            description = "How long to listen to heartbeats to compare the agents' clocks with this machine's (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--link", paramLabel = "HOST:PORT", description = "The cloud gateway's link server, to read its certificate "
            + "(default: each cloud proxy endpoint's address, port " + Raven.PROXY_LINK_PORT + ").")
    List<String> links = List.of();

    @Override
    public Integer call() {
        KafkaConnection kafka = target.kafka();
        System.err.println("reading the topics, listening to heartbeats for " + listen + " ...");
        OverviewSnapshot.Cluster state = Findings.cluster(target, cluster);
        Map<String, Duration> offsets = clockOffsets(kafka, EventsCommand.duration(listen, "--listen"));
        return Findings.print(output, ClusterChecks.diagnose(state, Instant.now(), offsets, topicDrifts(kafka), certificates(state)));
    }

    /**
     * Per node heard while listening: how far ahead of this machine's clock its heartbeats' times
     * were on arrival. Of all its heartbeats the largest is taken: delivery only ever makes a
     * heartbeat look older, so the largest is the one delivery distorted least.
     */
    private Map<String, Duration> clockOffsets(KafkaConnection kafka, Duration listenFor) {
        Map<String, Duration> offsets = new HashMap<>();
        EventCodec codec = EventCodec.create();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumerConfig(kafka, "corvus-diagnose", null))) {
            consumer.assign(Topic.AGENT_STATUS.topicPartitions());
            Positions.seek(consumer, Topic.AGENT_STATUS.topicPartitions(), null);
            Instant end = Instant.now().plus(listenFor);
            while (Instant.now().isBefore(end)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Instant arrived = Instant.now();
                    if (record.value() == null) {
                        continue;
                    }
                    try {
                        if (codec.fromRecord(record.topic(), record.headers(), record.value()) instanceof AgentHeartbeat beat
                                && beat.clusterId().equals(cluster)) {
                            offsets.merge(beat.nodeName(), Duration.between(arrived, beat.sentAt()), (a, b) -> a.compareTo(b) >= 0 ? a : b);
                        }
                    } catch (EventFormatException unreadable) {
                        // the services set it aside on the DLQ
                    }
                }
            }
        }
        return offsets;
    }

    private static List<String> topicDrifts(KafkaConnection kafka) {
        try (Admin admin = Admin.create(KafkaClients.adminConfig(kafka, "corvus-diagnose"))) {
            return new TopicBootstrap(admin).inspect().stream().map(BootstrapReport.Drift::explain).toList();
        }
    }

    /**
     * Every node's certificate as its heartbeat reports it, and the link servers' as they serve them,
     * read in a TLS handshake that goes no further (a link needs a node's certificate).
     */
    private Map<String, Instant> certificates(OverviewSnapshot.Cluster state) {
        List<String> servers = !links.isEmpty() ? links : state.gateways().stream().filter(g -> !g.edge())
                .flatMap(g -> g.endpoints().stream()).filter(e -> e.type() == EndpointType.PROXY && e.privateIp() != null)
                .map(e -> e.privateIp() + ":" + (e.port() == null ? Raven.PROXY_LINK_PORT : e.port())).toList();
        Map<String, Instant> notAfter = new LinkedHashMap<>();
        state.nodes().stream().filter(node -> node.certificateNotAfter() != null)
                .forEach(node -> notAfter.put("node " + node.nodeName(), node.certificateNotAfter()));
        for (String server : servers) {
            serverCertificate(server).ifPresentOrElse(cert -> notAfter.put("link server " + server + " (" + cert.getSubjectX500Principal()
                    .getName() + ")", cert.getNotAfter().toInstant()),
                    () -> System.err.println("could not read the certificate of the link server at " + server + "; name it with --link"));
        }
        return notAfter;
    }

    private static Optional<X509Certificate> serverCertificate(String server) {
        int colon = server.lastIndexOf(':');
        AtomicReference<X509Certificate> seen = new AtomicReference<>();
        TrustManager recorder = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("this connection only reads a server's certificate; it trusts no client");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen.set(chain[0]); // only its dates are read: nothing is sent over this connection
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {recorder}, null);
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(server.substring(0, colon), Integer.parseInt(server.substring(colon + 1))), 5_000);
                socket.setSoTimeout(5_000);
                socket.startHandshake();
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // the server refuses a client without a node certificate after showing its own: what was seen is enough
        }
        return Optional.ofNullable(seen.get());
    }
}
