package io.corvus.wireguard.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.corvus.wireguard.NamespacePair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java device ({@link Main}, a process of its own with its own TUN device) in one network namespace,
 * wireguard-go in another, a veth pair between them: a session the Java device makes on its own
 * for its persistent keepalive, pings both ways and TCP transfers both ways (iperf3) between the
 * two tunnel addresses through the kernels' own stacks, and roaming when wireguard-go moves to
 * another port; the Java device renews its sessions after 20,000 messages (lowered for the test),
 * which the transfers cross many times, while three helper threads seal and open its batches with
 * OpenSSL's cipher (DualStackIT's device takes the JDK's). In this order: each builds on the state
 * the one before left. Needs root.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a bound for a hang, not a timing: every step waits for its answer
class DeviceInteropIT {

    private static final int JAVA_PORT = 51821;
    private static final int GO_PORT = 51820;
    /**
     * Lowered from 2^60 so that the transfers below renew the Java device's sessions several times;
     * not lower, as wireguard-go takes at most 50 initiations a second from a peer: the batched
     * device sends 5,000 messages in a few hundredths of a second, and with that limit wireguard-go
     * refused some renewals (two handshakes instead of three, once). Over a 60 MB transfer 20,000
     * was not enough either: a renewal whose response was lost waits 5 s for its retry, longer than
     * the transfer lasted (two handshakes, once), so the transfer to wireguard-go lasts 12 s.
     */
    private static final int REKEY_AFTER_MESSAGES = 20_000;
    /** What ping says when answered; it exits 0 (else the run fails) only once all its count were. */
    private static final String ANSWERED = " [1-9][0-9]* received";

    @TempDir
    static Path work;
    private static NamespacePair lab;
    private static NamespacePair.Keys keys;

    @BeforeAll
    static void startBothDevices() throws Exception {
        lab = NamespacePair.create(Path.of(".."), "wgd");
        // three crypto helpers (the default is none): batches are sealed and opened on four threads at once
        keys = lab.startJavaAndWireguardGo(work, 1, JAVA_PORT, GO_PORT, List.of("-D" + Main.REKEY_AFTER_MESSAGES + "=" + REKEY_AFTER_MESSAGES,
                "-D" + Device.CRYPTO_HELPERS_PROPERTY + "=3"), "PersistentKeepalive = 1");
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(0)
    void theJavaDeviceSealsWithOpenSslsCipherWhereLibcryptoLoads() throws Exception {
        assertThat(Files.readString(work.resolve("java-device-1.log"))).contains("transport cipher OpenSSL 3.").contains("(the fastest found)");
    }

    @Test
    @Order(0)
    void theJavaDevicesSocketHoldsSevenMegabytesEachWaySoThatBurstsAreNotDropped() throws Exception {
        // ss shows the kernel's accounting: twice what was set
        String memory = lab.run(1, "ss", "-uamn", "sport", "=", ":" + JAVA_PORT);
        Matcher buffers = Pattern.compile("rb(\\d+),t\\d+,tb(\\d+)").matcher(memory);
        assertThat(buffers.find()).as(memory).isTrue();
        assertThat(Long.parseLong(buffers.group(1))).as("receive buffer").isEqualTo(2L * UdpSocket.SOCKET_BUFFER);
        assertThat(Long.parseLong(buffers.group(2))).as("send buffer").isEqualTo(2L * UdpSocket.SOCKET_BUFFER);
    }

    @Test
    @Order(1)
    void withAPersistentKeepaliveTheJavaDeviceMakesASessionBeforeAnyTrafficAndKeepsItAlive() throws Exception {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> !lab.run(2, "wg", "show", lab.device(2), "latest-handshakes").strip().endsWith("\t0"));
        long afterHandshake = bytesGoReceived();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> bytesGoReceived() >= afterHandshake + 2 * 32); // two more keepalives, 32 bytes each on the wire
    }

    @Test
    @Order(2)
    void pingsCrossTheTunnelBothWays() throws Exception {
        assertThat(lab.run(1, "ping", "-n", "-c", "3", "-w", "60", lab.tunnelAddress(2))).containsPattern(ANSWERED);
        assertThat(lab.run(2, "ping", "-n", "-c", "3", "-w", "60", lab.tunnelAddress(1))).containsPattern(ANSWERED);
    }

    @Test
    @Order(3)
    void tcpCarriesDataBothWays() throws Exception {
        Process server = lab.serveIperf(2, lab.tunnelAddress(2));
        try {
            // for a time, not a size: a renewal whose response is lost is retried 5 s later, and it must still fall in the transfer
            String toGo = lab.run(1, "iperf3", "-c", lab.tunnelAddress(2), "-t", "12", "-f", "m");
            String fromGo = lab.run(1, "iperf3", "-c", lab.tunnelAddress(2), "-n", "20M", "-f", "m", "-R");
            assertThat(toGo).contains("receiver");
            assertThat(fromGo).contains("receiver");
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    @Test
    @Order(4)
    void wgShowReadsTheJavaDeviceThroughItsControlSocket() throws Exception {
        String[] lines = lab.run(1, "wg", "show", lab.device(1), "dump").strip().split("\n");
        String[] device = lines[0].split("\t");
        String[] peer = lines[1].split("\t");

        assertThat(device[1]).as("its public key").isEqualTo(keys.java().publicKeyBase64());
        assertThat(device[2]).as("its port").isEqualTo(String.valueOf(JAVA_PORT));
        assertThat(peer[0]).isEqualTo(keys.wireguardGo().publicKeyBase64());
        assertThat(peer[2]).as("endpoint").isEqualTo(lab.underlayAddress(2) + ":" + GO_PORT);
        assertThat(peer[3]).as("allowed IPs").isEqualTo(lab.tunnelAddress(2) + "/32");
        assertThat(Long.parseLong(peer[4])).as("latest handshake").isPositive();
        assertThat(Long.parseLong(peer[5])).as("bytes received").isGreaterThan(20_000_000);
        assertThat(Long.parseLong(peer[6])).as("bytes sent").isGreaterThan(20_000_000);
        assertThat(peer[7]).as("persistent keepalive").isEqualTo("1");
    }

    @Test
    @Order(5)
    void whenWireguardGoMovesToAnotherPortTheJavaDeviceFollowsItsAuthenticatedPackets() throws Exception {
        lab.run(2, "wg", "set", lab.device(2), "listen-port", String.valueOf(GO_PORT + 100));

        // the replies reach wireguard-go only if the Java device now sends to where its packets come from
        assertThat(lab.run(2, "ping", "-n", "-c", "3", "-w", "60", lab.tunnelAddress(1))).containsPattern(ANSWERED);
        assertThat(lab.run(1, "ping", "-n", "-c", "3", "-w", "60", lab.tunnelAddress(2))).containsPattern(ANSWERED);
    }

    @Test
    @Order(6)
    void theTransfersWentOnAcrossSessionsRenewedAfterTheLoweredMessageLimit() throws Exception {
        Path log = work.resolve("java-device-1.log");
        lab.stopDevices();
        Matcher completed = Pattern.compile("handshakes completed (\\d+)").matcher(Files.readString(log));

        assertThat(completed.find()).as(Files.readString(log)).isTrue();
        // 12 s to wireguard-go are hundreds of thousands of messages from the Java device: a handshake per 20,000
        assertThat(Long.parseLong(completed.group(1))).isGreaterThanOrEqualTo(3);
    }

    private static long bytesGoReceived() throws Exception {
        String[] transfer = lab.run(2, "wg", "show", lab.device(2), "transfer").strip().split("\\s+");
        return Long.parseLong(transfer[1]);
    }
}
