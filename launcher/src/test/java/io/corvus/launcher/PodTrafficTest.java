package io.corvus.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PodTrafficTest {

    private PodTraffic.Server server;
    private Thread serving;

    @BeforeEach
    void startAServerOnLoopback() throws IOException {
        server = new PodTraffic.Server(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        serving = Thread.ofVirtual().start(() -> {
            try {
                server.serve();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterEach
    void stopIt() throws Exception {
        server.close();
        serving.join();
    }

    @Test
    void theThroughputIsWhatTheServerCountedOnEveryStream() throws Exception {
        PodTraffic.Throughput measured = new PodTraffic.Client(server.address()).throughput(3, Duration.ofMillis(200));

        assertThat(measured.streams()).isEqualTo(3);
        assertThat(measured.bytes()).as("at least one 64 KiB chunk per stream").isGreaterThanOrEqualTo(3 * 64 * 1024L);
        assertThat(measured.bytes() % (64 * 1024)).as("whole chunks, as sent").isZero();
        assertThat(measured.megabitsPerSecond()).isPositive();
    }

    @Test
    void everyRequestIsAnsweredAndTimed() throws Exception {
        LatencySummary latency = new PodTraffic.Client(server.address()).requestResponse(50);

        assertThat(latency.count()).isEqualTo(50);
        assertThat(latency.p50Ms()).isLessThanOrEqualTo(latency.p99Ms()).isLessThanOrEqualTo(latency.maxMs());
    }

    @Test
    void newConnectionsAreCountedOneByOne() throws Exception {
        assertThat(new PodTraffic.Client(server.address()).connections(20).count()).isEqualTo(20);
    }

    @Test
    void aLineThatIsNotTheProtocolIsRefusedWithWhatItShouldBe() throws Exception {
        try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("refused: 'GET / HTTP/1.1\r' is not corvus-bench/1 sink|echo|connect");
        }
    }

    @Test
    void aServerThatDoesNotSpeakTheProtocolIsNamedAsSuch() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket accepted = other.accept()) {
                    accepted.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the client saw what it saw
                }
            });
            PodTraffic.Client client = new PodTraffic.Client((InetSocketAddress) other.getLocalSocketAddress());

            assertThatThrownBy(() -> client.connections(1)).isInstanceOf(CliFailure.class)
                    .hasMessageContaining("answered 'SSH-2.0-OpenSSH_9.2\r'; it does not run corvus benchmark tunnel --serve");
        }
    }

    @Test
    void noServerIsUnreachableWithWhatToStartFirst() throws Exception {
        InetSocketAddress nobody;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = (InetSocketAddress) closed.getLocalSocketAddress();
        }
        PodTraffic.Client client = new PodTraffic.Client(nobody);

        assertThatThrownBy(() -> client.requestResponse(1)).isInstanceOf(CliFailure.class)
                .satisfies(e -> assertThat(((CliFailure) e).exitCode()).isEqualTo(CliFailure.Exit.UNREACHABLE.code()))
                .hasMessageContaining("start corvus benchmark tunnel --serve");
    }

    @Test
    void theServerHoldsAtMostItsLimitOfConnectionsAndRefusesTheNext() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < PodTraffic.MAX_CONNECTIONS; i++) {
                Socket socket = new Socket(server.address().getAddress(), server.address().getPort());
                socket.getOutputStream().write("corvus-bench/1 echo\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readLine(socket.getInputStream())).isEqualTo("ok");
                held.add(socket);
            }
            try (Socket oneMore = new Socket(server.address().getAddress(), server.address().getPort())) {
                assertThat(new String(oneMore.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("refused: 64 connections are open already\n");
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        assertThat(new PodTraffic.Client(server.address()).connections(1).count()).as("room again once they closed").isEqualTo(1);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n' && b != -1; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
    }
}
