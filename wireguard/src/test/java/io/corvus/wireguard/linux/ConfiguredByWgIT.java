package io.corvus.wireguard.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.corvus.wireguard.Identity;
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
 * The Java device started as the agent starts it, with no configuration, and then configured only
 * through its control socket by WireGuard's own {@code wg} (the {@code syncconf} and {@code set}
 * the agent runs), with wireguard-go as its peer in the other namespace: the first configuration
 * makes a working tunnel; a later one that adds a peer keeps the running session; a new port is
 * taken while traffic goes on; a wrong setting changes nothing and is refused with its errno; a
 * configuration without the peer ends the tunnel. In this order. Needs root.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a bound for a hang, not a timing: every step waits for its answer
class ConfiguredByWgIT {

    private static final int JAVA_PORT = 51841;
    private static final int GO_PORT = 51840;
    private static final String ANSWERED = " [1-9][0-9]* received";
    private static final Identity JAVA = Identity.generate();
    private static final Identity GO = Identity.generate();
    private static final Identity ANOTHER = Identity.generate();
    private static final String PRESHARED = Base64.getEncoder().encodeToString(Identity.generate().publicKey());

    @TempDir
    static Path work;
    private static NamespacePair lab;

    @BeforeAll
    static void startAnUnconfiguredJavaDeviceAndWireguardGo() throws Exception {
        lab = NamespacePair.create(Path.of(".."), "wgs");
        lab.startWireguardGo(2, work, GO, GO_PORT, JAVA.publicKeyBase64(), PRESHARED, lab.tunnelAddress(1) + "/32",
                lab.underlayAddress(1) + ":" + JAVA_PORT);
        lab.startUnconfiguredJavaDevice(1, work, List.of());
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void anUnconfiguredDeviceHasNoKeyAndNoPeers() throws Exception {
        List<String> dump = lab.run(1, "wg", "show", lab.device(1), "dump").strip().lines().toList();

        assertThat(dump).as("the device's line, no peer's").hasSize(1);
        assertThat(dump.getFirst().split("\t")[0]).as("private key").isEqualTo("(none)");
    }

    @Test
    @Order(2)
    void wgSyncconfMakesAWorkingTunnel() throws Exception {
        syncconf(peer(GO, lab.tunnelAddress(2) + "/32", lab.underlayAddress(2) + ":" + GO_PORT));

        assertThat(lab.run(1, "ping", "-n", "-c", "3", "-w", "60", lab.tunnelAddress(2))).containsPattern(ANSWERED);
        String[] device = lab.run(1, "wg", "show", lab.device(1), "dump").strip().split("\n")[0].split("\t");
        assertThat(device[1]).isEqualTo(JAVA.publicKeyBase64());
        assertThat(device[2]).isEqualTo(String.valueOf(JAVA_PORT));
    }

    @Test
    @Order(3)
    void aLaterSyncconfThatAddsAPeerKeepsTheRunningSession() throws Exception {
        syncconf(peer(GO, lab.tunnelAddress(2) + "/32", lab.underlayAddress(2) + ":" + GO_PORT)
                + peer(ANOTHER, "10.97.0.0/16", "192.0.2.1:4500"));

        String dump = lab.run(1, "wg", "show", lab.device(1), "dump");
        assertThat(dump).contains(ANOTHER.publicKeyBase64() + "\t" + PRESHARED + "\t192.0.2.1:4500\t10.97.0.0/16\t0\t0\t0\t5");
        assertThat(lab.run(1, "ping", "-n", "-c", "3", "-w", "60", lab.tunnelAddress(2))).containsPattern(ANSWERED);
    }

    @Test
    @Order(4)
    void aNewListenPortIsTakenWhileTrafficGoesOn() throws Exception {
        lab.run(1, "wg", "set", lab.device(1), "listen-port", String.valueOf(JAVA_PORT + 100));

        // wireguard-go still sends to the old port until the Java device's packets from the new one reach it: it roams
        assertThat(lab.run(1, "ping", "-n", "-c", "3", "-w", "60", lab.tunnelAddress(2))).containsPattern(ANSWERED);
        assertThat(lab.run(2, "ping", "-n", "-c", "3", "-w", "60", lab.tunnelAddress(1))).containsPattern(ANSWERED);
        assertThat(lab.run(1, "wg", "show", lab.device(1), "listen-port").strip()).isEqualTo(String.valueOf(JAVA_PORT + 100));
    }

    @Test
    @Order(5)
    void aWrongSettingIsRefusedWithItsErrnoAndChangesNothing() throws Exception {
        String before = lab.run(1, "wg", "show", lab.device(1), "allowed-ips");

        assertThatThrownBy(() -> lab.run(1, "wg", "set", lab.device(1), "listen-port", String.valueOf(GO_PORT + 1), "fwmark", "7", "peer",
                GO.publicKeyBase64(), "allowed-ips", "10.96.0.0/16,fd00::/64"))
                .hasMessageContaining("Unable to modify interface: Invalid argument");

        assertThat(lab.run(1, "wg", "show", lab.device(1), "allowed-ips")).isEqualTo(before);
        assertThat(lab.run(1, "wg", "show", lab.device(1), "listen-port").strip()).isEqualTo(String.valueOf(JAVA_PORT + 100));
        assertThat(Files.readString(work.resolve("java-device-1.log"))).contains("(fwmark): this device sets no firewall mark");
    }

    @Test
    @Order(6)
    void aConfigurationWithoutThePeerEndsTheTunnelAndTheSessionWasMadeOnce() throws Exception {
        syncconf(peer(ANOTHER, "10.97.0.0/16", "192.0.2.1:4500"));

        assertThat(lab.command(1, "ping", "-n", "-c", "2", "-W", "1", lab.tunnelAddress(2)).start().waitFor()).as("no answer").isNotZero();
        lab.stopDevices();
        String log = Files.readString(work.resolve("java-device-1.log"));
        Matcher completed = Pattern.compile("handshakes completed (\\d+), drops \\{.*no_route=([1-9]\\d*)").matcher(log);
        assertThat(completed.find()).as(log).isTrue();
        assertThat(completed.group(1)).as("the session outlived the second configuration and the new port").isEqualTo("1");
    }

    private static void syncconf(String peers) throws Exception {
        lab.syncconf(1, work, JAVA, JAVA_PORT, peers);
    }

    private static String peer(Identity key, String allowedIps, String endpoint) {
        return NamespacePair.peerSection(key, PRESHARED, allowedIps, endpoint, "PersistentKeepalive = 5");
    }
}
