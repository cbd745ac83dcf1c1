package io.corvus.agent.proxy;

import static io.corvus.agent.topology.Topologies.cloud;
import static io.corvus.agent.topology.Topologies.edge;
import static io.corvus.agent.topology.Topologies.member;
import static io.corvus.agent.topology.Topologies.proxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;

import io.corvus.agent.Steady;
import io.corvus.agent.proxy.ProxyRig.Agent;
import io.corvus.agent.topology.ClusterView;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.pki.ClusterCa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy data plane on loopback, agents as the topology makes them: a cloud gateway (link
 * server, front doors) and an edge gateway (link client) of pool "hangzhou", whose nodes edge-1
 * (127.0.0.1) and edge-2 (127.0.0.2) each run a kubelet-like server. Real sockets, real TLS 1.3
 * with certificates from the cluster's CA, real HTTP/2 streams.
 */
class ProxyLinkIT {

    private final AtomicLong generation = new AtomicLong();
    private ProxyRig rig;
    private KubeletLike kubelet1;
    private KubeletLike kubelet2;
    private AnswersAtTheEnd answersAtTheEnd;
    private Agent cloud;
    private Agent edge;

    @BeforeEach
    void cluster() throws Exception {
        rig = new ProxyRig();
        kubelet1 = rig.closeLater(new KubeletLike("edge-1", "127.0.0.1"));
        kubelet2 = rig.closeLater(new KubeletLike("edge-2", "127.0.0.2"));
        answersAtTheEnd = rig.closeLater(new AnswersAtTheEnd("127.0.0.1"));
        cloud = rig.agent("cloud-1", Set.of());
        cloud.apply(view(List.of(), proxy("cloud-1", "127.0.0.1", 0))); // starts serving: now its port is known
        edge = rig.agent("edge-1", Set.of(kubelet1.port(), kubelet2.port(), answersAtTheEnd.port()));
        applyToAll(view(List.of(), proxy("cloud-1", "127.0.0.1", cloud.linkPort())));
        ProxyRig.awaitLinks(edge, cloud);
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    @Test
    void aKubeletBehindTheEdgeIsReachedByConnectByHostByNodeNameAndByAbsoluteUri() throws Exception {
        try (RawHttp client = RawHttp.to(cloud.httpPort())) {
            client.send("CONNECT edge-2:" + kubelet2.port() + " HTTP/1.1\r\nHost: edge-2:" + kubelet2.port() + "\r\n\r\n");
            assertThat(client.head()).startsWith("HTTP/1.1 200 Connection established");
            client.send("GET /pods HTTP/1.1\r\nHost: edge-2\r\nConnection: close\r\n\r\n");
            assertThat(client.rest()).startsWith("HTTP/1.1 200 OK").contains("{\"node\":\"edge-2\",\"pods\":[]}");
        }
        assertThat(plain("GET /pods HTTP/1.1\r\nHost: edge-1:" + kubelet1.port() + "\r\n\r\n")).contains("\"node\":\"edge-1\"");
        assertThat(plain("GET /pods?nodeName=edge-2 HTTP/1.1\r\nHost: metrics.proxy:" + kubelet2.port() + "\r\n\r\n"))
                .contains("\"node\":\"edge-2\"");
        assertThat(plain("GET http://127.0.0.2:" + kubelet2.port() + "/pods HTTP/1.1\r\nHost: 127.0.0.2\r\n\r\n"))
                .contains("\"node\":\"edge-2\"");
        assertThat(edge.runtime().status().observedAddress()).as("the cloud told the edge where it sees it").isEqualTo("127.0.0.1");
    }

    @Test
    void aWebSocketUpgradePassesThroughTheHttpDoorUnchanged() throws Exception {
        try (RawHttp client = RawHttp.to(cloud.httpPort())) {
            client.send("GET /exec HTTP/1.1\r\nHost: edge-1:" + kubelet1.port() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            assertThat(client.head()).startsWith("HTTP/1.1 101").contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");

            for (String text : List.of("ls /", "cat /etc/hostname")) {
                client.out.write(maskedTextFrame(text));
                client.out.flush();
                assertThat(textFrame(client)).isEqualTo("edge-1 echoes " + text);
            }
        }
    }

    @Test
    void followedLogsArriveChunkByChunkAsTheyAreWritten() throws Exception {
        try (RawHttp client = RawHttp.to(cloud.httpPort())) {
            client.send("GET /containerLogs?follow=true HTTP/1.1\r\nHost: edge-1:" + kubelet1.port() + "\r\n\r\n");
            assertThat(client.head()).contains("transfer-encoding: chunked");

            assertThat(client.until("log line 1")).as("the first line, before the kubelet wrote the rest").contains("edge-1 log line 1");
            kubelet1.releaseLogs();
            assertThat(client.rest()).contains("edge-1 log line 5").endsWith("0\r\n\r\n");
        }
    }

    @Test
    void largeAnswersArriveWholeAtAClientThatStartsReadingOnlyAfterTheKubeletHungUp() throws Exception {
        // Bytes went missing when the end of the stream reached the cloud agent while its socket to the
        // client still held what the kernel had no room for. Where that happens depends on the socket's
        // send buffer (about 3 MB on loopback with Linux's default limits), so the size walks across it.
        for (int size = 2_600_000; size <= 3_400_000; size += 40_000) {
            assertThat(downloadReadLate(size)).as("the answer of %d bytes", size).isEqualTo(size);
        }
    }

    /** GETs a download of {@code size} bytes, reads nothing until the cloud agent has stopped handing bytes over, then all. */
    private int downloadReadLate(int size) throws Exception {
        try (RawHttp client = RawHttp.to(cloud.httpPort(), 4096)) { // the answer waits in the cloud agent, not in this socket
            client.send("GET /download?bytes=" + size + " HTTP/1.1\r\nHost: edge-1:" + kubelet1.port() + "\r\nConnection: close\r\n\r\n");
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(Steady.within(0, cloud.stats()::bytesOut));
            assertThat(client.head()).startsWith("HTTP/1.1 200").contains("content-length: " + size);
            byte[] body = client.in.readAllBytes();
            for (int i = 0; i < body.length; i++) {
                if (body[i] != KubeletLike.downloadByte(i)) {
                    throw new AssertionError("byte " + i + " of " + size + " is " + body[i] + ", the kubelet sent " + KubeletLike.downloadByte(i));
                }
            }
            return body.length;
        }
    }

    @Test
    void aClientThatStopsSendingStillGetsTheAnswerTheTargetWritesOnlyAfterThatEnd() throws Exception {
        byte[] request = new byte[200_000];
        for (int round = 0; round < 20; round++) {
            try (RawHttp client = RawHttp.to(cloud.httpPort())) {
                client.send("CONNECT edge-1:" + answersAtTheEnd.port() + " HTTP/1.1\r\nHost: edge-1\r\n\r\n");
                assertThat(client.head()).startsWith("HTTP/1.1 200");
                client.out.write(request);
                client.socket.shutdownOutput(); // the end of the request travels as END_STREAM, the answer comes back
                assertThat(client.rest()).as("round %d", round).isEqualTo(AnswersAtTheEnd.answerTo(request.length));
            }
        }
    }

    @Test
    void theHttpsDoorServesClientsWithACertificateFromTheClusterCaAndNoOthers() throws Exception {
        var apiserver = rig.tls("kube-apiserver");
        try (SSLSocket socket = (SSLSocket) JdkTls.context(apiserver, true).getSocketFactory().createSocket("127.0.0.1", cloud.httpsPort());
                RawHttp client = new RawHttp(socket)) {
            client.send("CONNECT edge-1:" + kubelet1.port() + " HTTP/1.1\r\n\r\n");
            assertThat(client.head()).startsWith("HTTP/1.1 200");
            client.send("GET /pods HTTP/1.1\r\nHost: edge-1\r\nConnection: close\r\n\r\n");
            assertThat(client.until("}")).contains("\"node\":\"edge-1\"");
        }
        assertThatThrownBy(() -> {
            try (SSLSocket socket = (SSLSocket) JdkTls.context(apiserver, false).getSocketFactory().createSocket("127.0.0.1", cloud.httpsPort());
                    RawHttp client = new RawHttp(socket)) {
                client.send("CONNECT edge-1:" + kubelet1.port() + " HTTP/1.1\r\n\r\n").head();
                if (client.in.read() < 0) {
                    throw new IOException("closed without a certificate");
                }
            }
        }).as("no client certificate").isInstanceOf(IOException.class);
    }

    @Test
    void anEdgeGatewayHoldsALinkToEachActiveCloudEndpointAndBothServe() throws Exception {
        Agent cloud2 = rig.agent("cloud-2", Set.of());
        GatewayTopology.Endpoint first = proxy("cloud-1", "127.0.0.1", cloud.linkPort());
        cloud2.apply(view(List.of(), first, proxy("cloud-2", "127.0.0.1", 0)));

        ClusterView both = view(List.of(), first, proxy("cloud-2", "127.0.0.1", cloud2.linkPort()));
        applyToAll(both);
        cloud2.apply(both);

        ProxyRig.awaitLinks(edge, cloud, cloud2);
        for (Agent door : List.of(cloud, cloud2)) {
            try (RawHttp client = RawHttp.to(door.httpPort())) {
                client.send("GET /pods HTTP/1.1\r\nHost: edge-2:" + kubelet2.port() + "\r\n\r\n");
                assertThat(client.rest()).contains("\"node\":\"edge-2\"");
            }
        }
    }

    @Test
    void whenTheCloudServerGoesAwayTheEdgeDialsAgainAndTrafficResumes() throws Exception {
        int port = cloud.linkPort();
        cloud.runtime().close();
        await().atMost(Duration.ofSeconds(10)).until(() -> edge.runtime().status().peers().isEmpty());

        Agent restarted = rig.agent("cloud-1", Set.of(), rig.tls("cloud-1"), port);
        ClusterView view = view(List.of(), proxy("cloud-1", "127.0.0.1", port));
        restarted.apply(view);
        edge.apply(view);

        ProxyRig.awaitLinks(edge, restarted);
        try (RawHttp client = RawHttp.to(restarted.httpPort())) {
            client.send("GET /pods HTTP/1.1\r\nHost: edge-1:" + kubelet1.port() + "\r\n\r\n");
            assertThat(client.rest()).contains("\"node\":\"edge-1\"");
        }
        assertThat(edge.stats().connectLatencyCount()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aPeerThatFallsSilentWithoutClosingIsDroppedByTheKeepaliveEvenWithAStreamOpen() throws Exception {
        try (Forwarder silentLink = new Forwarder(cloud.linkPort());
                RawHttp follower = RawHttp.to(cloud.httpPort())) {
            ClusterView throughLink = view(List.of(), proxy("cloud-1", "127.0.0.1", silentLink.port()));
            applyToAll(throughLink);
            ProxyRig.awaitLinks(edge, cloud);
            // a `logs -f` left open: HTTP/2's graceful close would wait 30 s for it
            follower.send("GET /containerLogs HTTP/1.1\r\nHost: edge-1:" + kubelet1.port() + "\r\n\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> edge.stats().openStreams() > 0);

            silentLink.freeze(true); // no FIN, no RST: only the missing PINGs tell

            await().atMost(Duration.ofSeconds(10)).until(() -> edge.runtime().status().peers().isEmpty()
                    && cloud.runtime().status().peers().isEmpty());
            silentLink.freeze(false);
            ProxyRig.awaitLinks(edge, cloud);
        }
    }

    @Test
    void aStreamNobodyReadsStallsOnlyItselfWhileOthersKeepFlowing() throws Exception {
        try (RawHttp stalled = RawHttp.to(cloud.httpPort())) {
            stalled.send("GET /stream HTTP/1.1\r\nHost: edge-1:" + kubelet1.port() + "\r\n\r\n"); // and never read
            await().atMost(Duration.ofSeconds(10)).until(() -> kubelet1.streamed.get() > 1 << 20);

            for (int i = 0; i < 50; i++) {
                assertThat(plain("GET /pods HTTP/1.1\r\nHost: edge-2:" + kubelet2.port() + "\r\n\r\n")).contains("\"node\":\"edge-2\"");
            }
            assertThat(kubelet1.streamed.get()).as("held back by the stream's window, not buffered without end")
                    .isLessThan(64L << 20);
        }
    }

    @Test
    void targetsOutsideTheEdgePoolsOrOnPortsNotAllowedAreRefusedWithTheReason() throws Exception {
        assertThat(connect("127.0.0.3:" + kubelet1.port())).startsWith("HTTP/1.1 403")
                .contains("127.0.0.3 is not a node of an edge pool of cluster c1");
        assertThat(connect("cloud-1:" + kubelet1.port())).startsWith("HTTP/1.1 403").contains("cloud-1 is not a node of an edge pool");
        assertThat(connect("edge-2:22")).startsWith("HTTP/1.1 403").contains("port 22 is not allowed");
        assertThat(plain("GET /pods HTTP/1.1\r\nHost: kubernetes.default.svc:443\r\n\r\n")).startsWith("HTTP/1.1 403");
        assertThat(plain("GET /pods HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400").contains("names no target");
        assertThat(cloud.stats().dialErrors("not-an-edge-node")).isGreaterThanOrEqualTo(3);
        assertThat(edge.stats().dialErrors("denied")).isEqualTo(1);
    }

    @Test
    void sourcesOutsideTheWhitelistAreDroppedBeforeTheHandshake() throws Exception {
        GatewayTopology.Endpoint server = proxy("cloud-1", "127.0.0.1", cloud.linkPort());
        applyToAll(view(List.of("203.0.113.0/24", "100.64.0.0/10"), server));

        await().atMost(Duration.ofSeconds(10)).until(() -> edge.runtime().status().peers().isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.stats().dialErrors("acl") >= 1);
        assertThat(cloud.stats().dialErrors("tls")).as("refused before TLS: no handshake to fail").isZero();

        applyToAll(view(List.of("127.0.0.0/8", "100.64.0.0/10"), server));
        ProxyRig.awaitLinks(edge, cloud);
    }

    @Test
    void aCertificateFromAnotherCaOrOfANodeThatIsNotAnElectedEdgeGatewayIsRefused() throws Exception {
        ClusterView current = view(List.of(), proxy("cloud-1", "127.0.0.1", cloud.linkPort()));
        Agent impostor = rig.agent("edge-1", Set.of(kubelet1.port()), rig.tls(ClusterCa.create("other", Duration.ofDays(1)), "edge-1"), 0);
        impostor.apply(current);
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.stats().dialErrors("tls") >= 1);
        assertThat(impostor.runtime().status().peers()).isEmpty();

        Agent notElected = rig.agent("edge-2", Set.of(kubelet2.port()));
        notElected.apply(ClusterView.empty(ProxyRig.CLUSTER) // edge-2 believes it was elected; the cloud knows better
                .with(cloud(ProxyRig.CLUSTER, 1, List.of(), proxy("cloud-1", "127.0.0.1", cloud.linkPort())))
                .with(edge(ProxyRig.CLUSTER, "hangzhou", 1, 1, member("edge-2", "127.0.0.2"), member("edge-1", "127.0.0.1"))));
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.stats().dialErrors("identity") >= 1);
        assertThat(notElected.runtime().status().peers()).isEmpty();
        assertThat(edge.runtime().status().peers()).as("the elected edge gateway keeps its link").containsExactly("cloud-1");
    }

    @Test
    void anAgentWithoutACertificateTakesNoProxyRoleAndSaysWhy() throws Exception {
        Agent bare = rig.agent("edge-1", Set.of(), new TlsFiles(rig.folder.resolve("missing.crt"),
                rig.folder.resolve("missing.key"), rig.folder.resolve("missing-ca.crt")), 0);

        bare.apply(view(List.of(), proxy("cloud-1", "127.0.0.1", cloud.linkPort())));

        assertThat(bare.runtime().status().problem()).contains("cannot read").contains("never runs without mutual TLS");
        assertThat(bare.runtime().status().peers()).isEmpty();
    }

    /** The cluster: cloud gateway endpoints as given, edge pool hangzhou with edge-1 elected. */
    private ClusterView view(List<String> acl, GatewayTopology.Endpoint... cloudEndpoints) {
        long g = generation.incrementAndGet();
        return ClusterView.empty(ProxyRig.CLUSTER).with(cloud(ProxyRig.CLUSTER, g, acl, cloudEndpoints))
                .with(edge(ProxyRig.CLUSTER, "hangzhou", g, 1, member("edge-1", "127.0.0.1"), member("edge-2", "127.0.0.2")));
    }

    private void applyToAll(ClusterView view) {
        cloud.apply(view);
        edge.apply(view);
    }

    private String plain(String request) throws IOException {
        try (RawHttp client = RawHttp.to(cloud.httpPort())) {
            return client.send(request).rest();
        }
    }

    private String connect(String target) throws IOException {
        try (RawHttp client = RawHttp.to(cloud.httpPort())) {
            return client.send("CONNECT " + target + " HTTP/1.1\r\n\r\n").rest();
        }
    }

    private static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {7, 13, 42, 99};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        frame.write(0x80 | payload.length);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    private static String textFrame(RawHttp client) throws IOException {
        int opcode = client.in.read();
        int length = client.in.read() & 0x7f;
        assertThat(opcode).isEqualTo(0x81);
        return new String(client.in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
