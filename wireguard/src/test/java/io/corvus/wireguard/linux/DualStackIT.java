package io.corvus.wireguard.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.corvus.wireguard.Identity;
import io.corvus.wireguard.NamespacePair;
import io.corvus.wireguard.TransportCiphers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java device over an IPv6 underlay, carrying IPv4 and IPv6 inside, against wireguard-go, and
 * configured by {@code wg} as the agent configures it: pings of both families both ways, TCP over
 * IPv6 inside, an IPv6 source outside the peer's allowed IPs dropped, a tunnel device set down and
 * up again forwards again, and a peer whose endpoint has no route costs only its own messages. In
 * this order. Its Java device seals with the JDK's cipher, so that both transport ciphers meet
 * wireguard-go (DeviceInteropIT's device takes OpenSSL's, as devices do where libcrypto 3 loads). Needs root.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a bound for a hang, not a timing: every step waits for its answer
class DualStackIT {

    private static final int JAVA_PORT = 51861;
    private static final int GO_PORT = 51860;
    private static final String ANSWERED = " [1-9][0-9]* received";
    private static final Identity JAVA = Identity.generate();
    private static final Identity GO = Identity.generate();
    private static final String PRESHARED = Base64.getEncoder().encodeToString(Identity.generate().publicKey());

    @TempDir
    static Path work;
    private static NamespacePair lab;

    @BeforeAll
    static void startTheJavaDeviceAndWireguardGoOverIpv6() throws Exception {
        lab = NamespacePair.create(Path.of(".."), "wg6");
        lab.startWireguardGo(2, work, GO, GO_PORT, JAVA.publicKeyBase64(), PRESHARED,
                lab.tunnelAddress(1) + "/32," + lab.tunnelAddress6(1) + "/128", "[" + lab.underlayAddress6(1) + "]:" + JAVA_PORT);
        lab.startUnconfiguredJavaDevice(1, work, List.of("-D" + TransportCiphers.PROPERTY + "=jdk"));
        lab.addIpv6(1);
        lab.addIpv6(2);
        syncconf(peer(GO, lab.tunnelAddress(2) + "/32, " + lab.tunnelAddress6(2) + "/128", "[" + lab.underlayAddress6(2) + "]:" + GO_PORT));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(0)
    void theJavaDeviceSealsWithTheJdksCipherAsItWasAsked() throws Exception {
        assertThat(Files.readString(work.resolve("java-device-1.log"))).contains("transport cipher the JDK's ChaCha20-Poly1305");
    }

    @Test
    @Order(1)
    void pingsOfBothFamiliesCrossBothWaysOverTheIpv6Underlay() throws Exception {
        assertThat(lab.run(1, "ping", "-n", "-c", "3", "-w", "60", lab.tunnelAddress6(2))).containsPattern(ANSWERED);
        assertThat(lab.run(1, "ping", "-n", "-c", "3", "-w", "60", lab.tunnelAddress(2))).containsPattern(ANSWERED);
        assertThat(lab.run(2, "ping", "-n", "-c", "3", "-w", "60", lab.tunnelAddress6(1))).containsPattern(ANSWERED);
        assertThat(lab.run(2, "ping", "-n", "-c", "3", "-w", "60", lab.tunnelAddress(1))).containsPattern(ANSWERED);

        String peerLine = lab.run(1, "wg", "show", lab.device(1), "dump").strip().lines().skip(1).findFirst().orElseThrow();
        assertThat(peerLine.split("\t")[2]).as("the endpoint as wg shows it").isEqualTo("[" + lab.underlayAddress6(2) + "]:" + GO_PORT);
        assertThat(peerLine.split("\t")[3]).isEqualTo(lab.tunnelAddress(2) + "/32," + lab.tunnelAddress6(2) + "/128");
    }

    @Test
    @Order(2)
    void tcpOverIpv6InsideCarriesEveryByteBothWays() throws Exception {
        Process server = lab.serveIperf(2, lab.tunnelAddress6(2));
        try {
            for (String direction : List.of("send", "receive")) {
                List<String> client = new ArrayList<>(List.of("iperf3", "-6", "-c", lab.tunnelAddress6(2), "-B", lab.tunnelAddress6(1),
                        "-n", "20M", "--connect-timeout", "60000"));
                if (direction.equals("receive")) {
                    client.add("-R");
                }
                String report = lab.run(1, client.toArray(String[]::new));
                assertThat(report).as(direction).contains("receiver").contains("iperf Done.");
            }
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(3)
    void anIpv6SourceOutsideThePeersAllowedIpsIsDropped() throws Exception {
        String stranger = "fd00:98:" + lab.tunnelAddress(1).split("\\.")[2] + "::77";
        lab.run(2, "ip", "-6", "addr", "add", stranger + "/64", "dev", lab.device(2), "nodad");

        // wireguard-go seals it (its peer routes the destination); the Java device opens it and finds the source not allowed
        assertThat(lab.command(2, "ping", "-n", "-c", "2", "-W", "1", "-I", stranger, lab.tunnelAddress6(1)).start().waitFor())
                .as("no answer").isNotZero();
        assertThat(lab.run(2, "ping", "-n", "-c", "2", "-w", "60", "-I", lab.tunnelAddress6(2), lab.tunnelAddress6(1)))
                .as("the allowed source still answered")
                .containsPattern(ANSWERED);
    }

    @Test
    @Order(4)
    void aTunnelDeviceTakenDownAndUpAgainForwardsAgain() throws Exception {
        lab.run(1, "ip", "link", "set", lab.device(1), "down");
        // wireguard-go's pings reach the Java device, which cannot write them to a device that is down
        assertThat(lab.command(2, "ping", "-n", "-c", "2", "-W", "1", lab.tunnelAddress(1)).start().waitFor()).isNotZero();
        lab.run(1, "ip", "link", "set", lab.device(1), "up");
        // a device set down loses its IPv6 addresses (IPv4's stay): given back, as its owner would
        lab.run(1, "ip", "-6", "addr", "replace", lab.tunnelAddress6(1) + "/64", "dev", lab.device(1), "nodad");

        assertThat(lab.run(2, "ping", "-n", "-c", "3", "-w", "60", lab.tunnelAddress(1))).containsPattern(ANSWERED);
    }

    @Test
    @Order(5)
    void aPeerWhoseEndpointHasNoRouteCostsOnlyItsOwnMessages() throws Exception {
        syncconf(peer(GO, lab.tunnelAddress(2) + "/32, " + lab.tunnelAddress6(2) + "/128", "[" + lab.underlayAddress6(2) + "]:" + GO_PORT)
                + peer(Identity.generate(), "10.97.0.0/16", "[fd00:dead::1]:4500"));

        lab.run(1, "ip", "route", "add", "10.97.0.0/16", "dev", lab.device(1));
        // its initiation cannot be sent (no route to fd00:dead::/32): dropped and counted, and the device forwards on
        assertThat(lab.command(1, "ping", "-n", "-c", "2", "-W", "1", "10.97.0.5").start().waitFor()).isNotZero();
        assertThat(lab.run(1, "ping", "-n", "-c", "3", "-w", "60", lab.tunnelAddress6(2))).containsPattern(ANSWERED);
        assertThat(lab.run(1, "ping", "-n", "-c", "3", "-w", "60", lab.tunnelAddress(2))).containsPattern(ANSWERED);

        lab.stopDevices();
        String log = Files.readString(work.resolve("java-device-1.log"));
        assertThat(log).contains("fd00:dead:0:0:0:0:0:1").contains("such messages are dropped");
        Matcher drops = Pattern.compile("drops \\{(.*)}").matcher(log);
        assertThat(drops.find()).as(log).isTrue();
        assertThat(drops.group(1)).containsPattern("send_refused=[1-9]").containsPattern("source_not_allowed=[1-9]")
                .containsPattern("tun_write_refused=[1-9]");
    }

    private static void syncconf(String peers) throws Exception {
        lab.syncconf(1, work, JAVA, JAVA_PORT, peers);
    }

    private static String peer(Identity key, String allowedIps, String endpoint) {
        return NamespacePair.peerSection(key, PRESHARED, allowedIps, endpoint);
    }
}
