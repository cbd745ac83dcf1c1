package io.corvus.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
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

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int GO_PORT = 51820;
    private static final Identity JAVA = Identity.generate();
    private static final Identity GO = Identity.generate();
    private static final byte[] PRESHARED_KEY = Identity.generate().publicKey();

    @TempDir
    static Path work;
    private static NamespacePair lab;
    private static Inet4Address goTunnelAddress;
    private static Inet4Address javaTunnelAddress;
    private static DatagramChannel socket;

    @BeforeAll
    static void startWireguardGoInANamespace() throws Exception {
        lab = NamespacePair.create(Path.of(".."), "wgj", true);
        goTunnelAddress = Ipv4Echo.address(lab.tunnelAddress(2));
        javaTunnelAddress = Ipv4Echo.address(lab.tunnelAddress(1));
        socket = DatagramChannel.open().bind(new InetSocketAddress(lab.underlayAddress(1), 0));
        lab.startWireguardGo(2, work, GO, GO_PORT, JAVA.publicKeyBase64(), base64(PRESHARED_KEY), lab.tunnelAddress(1) + "/32", javaEndpoint());
    }

    @AfterAll
    static void removeTheNamespace() throws Exception {
        if (socket != null) {
            socket.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void aJavaInitiatorGetsASessionFromWireguardGoAndItsKernelAnswersAPing() throws Exception {
        Handshake.Initiator initiator = Handshake.initiate(JAVA, GO.publicKey(), PRESHARED_KEY, 0x1001, Timestamps.tai64n(Instant.now()));
        SocketAddress go = new InetSocketAddress(lab.underlayAddress(2), GO_PORT);
        send(initiator.message(), go);
        Session session = initiator.complete(receive(Handshake.TYPE_RESPONSE));

        byte[] payload = "from a Java initiator".getBytes(StandardCharsets.US_ASCII);
        send(session.seal(new Ipv4Echo(javaTunnelAddress, goTunnelAddress, true, 7, 1, payload).toPacket()), go);
        Ipv4Echo reply = awaitEcho(session);

        assertThat(reply.request()).isFalse();
        assertThat(reply.source()).isEqualTo(goTunnelAddress);
        assertThat(reply.destination()).isEqualTo(javaTunnelAddress);
        assertThat(reply.payload()).isEqualTo(payload);
    }

    @Test
    void wireguardGoInitiatesToAJavaResponderAndAPingFromItsNamespaceIsAnswered() throws Exception {
        lab.run(2, "wg", "set", lab.device(2), "peer", JAVA.publicKeyBase64(), "remove"); // no session left: its next packet needs a handshake
        lab.addGoPeer(2, work, JAVA.publicKeyBase64(), base64(PRESHARED_KEY), lab.tunnelAddress(1) + "/32", javaEndpoint());
        Process ping = lab.command(2, "ping", "-n", "-c", "1", "-W", String.valueOf(PATIENCE.toSeconds()), lab.tunnelAddress(1))
                .redirectErrorStream(true).start();

        byte[] initiation = receive(Handshake.TYPE_INITIATION);
        Handshake.Responder responder = Handshake.receive(JAVA, initiation);
        assertThat(responder.peerPublicKey()).isEqualTo(GO.publicKey());
        Handshake.Reply reply = responder.respond(PRESHARED_KEY, 0x2002);
        SocketAddress go = new InetSocketAddress(lab.underlayAddress(2), GO_PORT);
        send(reply.message(), go);
        Ipv4Echo request = awaitEcho(reply.session());
        assertThat(request.request()).isTrue();
        assertThat(request.destination()).isEqualTo(javaTunnelAddress);
        send(reply.session().seal(request.reply().toPacket()), go);

        String said = new String(ping.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(ping.waitFor()).as(said).isZero();
        assertThat(said).contains("1 received");
    }

    /** The next ICMP echo the session carries; keepalives and what an earlier test's session still sends are passed over. */
    private static Ipv4Echo awaitEcho(Session session) throws Exception {
        while (true) {
            byte[] message = receive(Session.TYPE_TRANSPORT);
            try {
                Ipv4Echo echo = Ipv4Echo.parse(session.open(message));
                if (echo != null) {
                    return echo;
                }
            } catch (Rejected rejected) {
                if (rejected.reason() != Rejected.Reason.UNKNOWN_INDEX) {
                    throw rejected;
                }
            }
        }
    }

    /** The next datagram of {@code type} from wireguard-go (it may retransmit an initiation meanwhile, which is passed over). */
    private static byte[] receive(byte type) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        socket.configureBlocking(true);
        socket.socket().setSoTimeout((int) PATIENCE.toMillis());
        while (true) {
            buffer.clear();
            DatagramPacket packet = new DatagramPacket(buffer.array(), buffer.capacity());
            socket.socket().receive(packet);
            byte[] datagram = Arrays.copyOf(packet.getData(), packet.getLength());
            if (datagram.length > 0 && datagram[0] == type) {
                return datagram;
            }
        }
    }

    private static void send(byte[] message, SocketAddress to) throws IOException {
        socket.send(ByteBuffer.wrap(message), to);
    }

    private static String javaEndpoint() throws IOException {
        return lab.underlayAddress(1) + ":" + ((InetSocketAddress) socket.getLocalAddress()).getPort();
    }

    private static String base64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }
}
