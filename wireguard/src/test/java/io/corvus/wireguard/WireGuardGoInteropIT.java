package io.corvus.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * This implementation against wireguard-go, the reference user-space WireGuard, over real UDP:
 * wireguard-go runs its own TUN device in a network namespace the test makes, behind a veth pair;
 * this JVM is the other peer, on the host's end of the pair, and plays the host behind its tunnel
 * address (it answers and sends ICMP echoes itself). Both directions of the handshake, with a
 * preshared key, and packets both ways; the kernel in the namespace checks every packet wireguard-go
 * hands it. Needs root (namespaces and TUN); installs wireguard-go and wg when they are missing.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a bound for a hang, not a timing: every step waits for its answer
class WireGuardGoInteropIT {

    private static final int GO_PORT = 51820;
    private static final Identity JAVA = Identity.generate();
    private static final Identity GO = Identity.generate();
    private static final byte[] PRESHARED_KEY = Identity.generate().publicKey();

    @TempDir
    static Path work;
    private static NamespacePair lab;
    private static Inet4Address goTunnelAddress;
    private static Inet4Address javaTunnelAddress;
    private static InetSocketAddress go;
    private static HostPeer host;

    @BeforeAll
    static void startWireguardGoInANamespace() throws Exception {
        lab = NamespacePair.create(Path.of(".."), "wgj", true);
        goTunnelAddress = Ipv4Echo.address(lab.tunnelAddress(2));
        javaTunnelAddress = Ipv4Echo.address(lab.tunnelAddress(1));
        go = new InetSocketAddress(lab.underlayAddress(2), GO_PORT);
        host = new HostPeer(lab.underlayAddress(1), JAVA);
        lab.startWireguardGo(2, work, GO, GO_PORT, JAVA.publicKeyBase64(), base64(PRESHARED_KEY), lab.tunnelAddress(1) + "/32", javaEndpoint());
    }

    @AfterAll
    static void removeTheNamespace() throws Exception {
        if (host != null) {
            host.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void aJavaInitiatorGetsASessionFromWireguardGoAndItsKernelAnswersAPing() throws Exception {
        Session session = host.connect(GO.publicKey(), PRESHARED_KEY, go);

        byte[] payload = "from a Java initiator".getBytes(StandardCharsets.US_ASCII);
        Ipv4Echo reply = Ipv4Echo.parse(host.exchange(session, new Ipv4Echo(javaTunnelAddress, goTunnelAddress, true, 7, 1, payload).toPacket(),
                go, packet -> Ipv4Echo.parse(packet) != null));

        assertThat(reply.request()).isFalse();
        assertThat(reply.source()).isEqualTo(goTunnelAddress);
        assertThat(reply.destination()).isEqualTo(javaTunnelAddress);
        assertThat(reply.payload()).isEqualTo(payload);
    }

    @Test
    void wireguardGoInitiatesToAJavaResponderAndAPingFromItsNamespaceIsAnswered() throws Exception {
        lab.run(2, "wg", "set", lab.device(2), "peer", JAVA.publicKeyBase64(), "remove"); // no session left: its next packet needs a handshake
        lab.addGoPeer(2, work, JAVA.publicKeyBase64(), base64(PRESHARED_KEY), lab.tunnelAddress(1) + "/32", javaEndpoint());
        Process ping = lab.command(2, "ping", "-n", "-c", "1", "-w", "60", lab.tunnelAddress(1)).redirectErrorStream(true).start();

        // the responder's side, until ping has its answer: wireguard-go retries an initiation it got no response to
        Session session = null;
        int index = 0x2000;
        while (ping.isAlive()) {
            byte[] datagram = host.receive(any -> true);
            if (datagram != null && datagram[0] == Handshake.TYPE_INITIATION) {
                Handshake.Responder responder = Handshake.receive(JAVA, datagram);
                assertThat(responder.peerPublicKey()).isEqualTo(GO.publicKey());
                Handshake.Reply reply = responder.respond(PRESHARED_KEY, ++index);
                host.send(reply.message(), go);
                session = reply.session();
            } else if (datagram != null && datagram[0] == Session.TYPE_TRANSPORT && session != null) {
                Ipv4Echo request = Ipv4Echo.parse(HostPeer.openOrEmpty(session, datagram));
                if (request != null && request.request() && request.destination().equals(javaTunnelAddress)) {
                    host.send(session.seal(Packet.of(request.reply().toPacket())).toArray(), go);
                }
            }
        }

        String said = new String(ping.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(ping.waitFor()).as(said).isZero();
        assertThat(said).containsPattern(" [1-9][0-9]* received");
    }

    private static String javaEndpoint() {
        return lab.underlayAddress(1) + ":" + host.port();
    }

    private static String base64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }
}
