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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * This implementation against wireguard-go, the reference user-space WireGuard, over real UDP:
 * wireguard-go runs its own TUN device in a network namespace the test makes, behind a veth pair;
 * this JVM is the other peer, on the host's end of the pair, and plays the host behind its tunnel
 * address (it answers and sends ICMP echoes itself). Both directions of the handshake, with a
 * preshared key, and packets both ways; the kernel in the namespace checks every packet wireguard-go
 * hands it. Needs root (namespaces and TUN); installs wireguard-go and wg when they are missing.
 */
class WireGuardGoInteropIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int GO_PORT = 51820;
    private static final Inet4Address GO_TUNNEL_ADDRESS = Ipv4Echo.address("10.99.0.1");
    private static final Inet4Address JAVA_TUNNEL_ADDRESS = Ipv4Echo.address("10.99.0.2");

    @TempDir
    static Path work;
    private static String namespace;
    private static String device;
    private static String underlay;
    private static Process wireguardGo;
    private static DatagramChannel socket;
    private static final Identity JAVA = Identity.generate();
    private static final Identity GO = Identity.generate();
    private static final byte[] PRESHARED_KEY = Identity.generate().publicKey();

    @BeforeAll
    static void startWireguardGoInANamespace() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("this test needs root: it makes a network namespace, a veth pair and a TUN device");
        }
        run("bash", Path.of("..", "tools", "host-packages.sh").toString(), "ip", "wg", "wireguard-go", "ping");
        int n = freeId();
        namespace = "wgj" + n;
        device = "wgj" + n;
        underlay = "10.232." + n;
        run("ip", "netns", "add", namespace);
        run("ip", "link", "add", namespace + "h", "type", "veth", "peer", "name", "eth0", "netns", namespace);
        run("ip", "addr", "add", underlay + ".1/24", "dev", namespace + "h");
        run("ip", "link", "set", namespace + "h", "up");
        inNamespace("ip", "addr", "add", underlay + ".2/24", "dev", "eth0");
        inNamespace("ip", "link", "set", "eth0", "up");
        inNamespace("ip", "link", "set", "lo", "up");
        socket = DatagramChannel.open().bind(new InetSocketAddress(underlay + ".1", 0));

        Path uapi = Path.of("/var/run/wireguard", device + ".sock");
        wireguardGo = new ProcessBuilder("ip", "netns", "exec", namespace, "wireguard-go", "-f", device).redirectErrorStream(true)
                .redirectOutput(work.resolve("wireguard-go.log").toFile()).start();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!Files.exists(uapi)) {
            if (!wireguardGo.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("wireguard-go made no control socket " + uapi + ": " + Files.readString(work.resolve("wireguard-go.log")));
            }
            wireguardGo.waitFor(20, TimeUnit.MILLISECONDS);
        }
        Files.writeString(work.resolve("go.key"), GO.privateKeyBase64());
        Files.writeString(work.resolve("psk"), base64(PRESHARED_KEY));
        inNamespace("wg", "set", device, "private-key", work.resolve("go.key").toString(), "listen-port", String.valueOf(GO_PORT));
        addJavaPeer();
        inNamespace("ip", "addr", "add", GO_TUNNEL_ADDRESS.getHostAddress() + "/24", "dev", device);
        inNamespace("ip", "link", "set", device, "up");
    }

    @AfterAll
    static void removeTheNamespace() throws Exception {
        if (socket != null) {
            socket.close();
        }
        if (wireguardGo != null) {
            wireguardGo.destroy();
            wireguardGo.waitFor(10, TimeUnit.SECONDS);
        }
        if (namespace != null) {
            run("ip", "netns", "del", namespace);
        }
    }

    @Test
    void aJavaInitiatorGetsASessionFromWireguardGoAndItsKernelAnswersAPing() throws Exception {
        Handshake.Initiator initiator = Handshake.initiate(JAVA, GO.publicKey(), PRESHARED_KEY, 0x1001, Timestamps.tai64n(Instant.now()));
        SocketAddress go = new InetSocketAddress(underlay + ".2", GO_PORT);
        send(initiator.message(), go);
        Session session = initiator.complete(receive(Handshake.TYPE_RESPONSE));

        byte[] payload = "from a Java initiator".getBytes(StandardCharsets.US_ASCII);
        send(session.seal(new Ipv4Echo(JAVA_TUNNEL_ADDRESS, GO_TUNNEL_ADDRESS, true, 7, 1, payload).toPacket()), go);
        Ipv4Echo reply = awaitEcho(session);

        assertThat(reply.request()).isFalse();
        assertThat(reply.source()).isEqualTo(GO_TUNNEL_ADDRESS);
        assertThat(reply.destination()).isEqualTo(JAVA_TUNNEL_ADDRESS);
        assertThat(reply.payload()).isEqualTo(payload);
    }

    @Test
    void wireguardGoInitiatesToAJavaResponderAndAPingFromItsNamespaceIsAnswered() throws Exception {
        inNamespace("wg", "set", device, "peer", JAVA.publicKeyBase64(), "remove"); // no session left: its next packet needs a handshake
        addJavaPeer();
        Process ping = new ProcessBuilder("ip", "netns", "exec", namespace, "ping", "-n", "-c", "1", "-W", String.valueOf(PATIENCE.toSeconds()),
                JAVA_TUNNEL_ADDRESS.getHostAddress()).redirectErrorStream(true).start();

        byte[] initiation = receive(Handshake.TYPE_INITIATION);
        Handshake.Responder responder = Handshake.receive(JAVA, initiation);
        assertThat(responder.peerPublicKey()).isEqualTo(GO.publicKey());
        Handshake.Reply reply = responder.respond(PRESHARED_KEY, 0x2002);
        SocketAddress go = new InetSocketAddress(underlay + ".2", GO_PORT);
        send(reply.message(), go);
        Ipv4Echo request = awaitEcho(reply.session());
        assertThat(request.request()).isTrue();
        assertThat(request.destination()).isEqualTo(JAVA_TUNNEL_ADDRESS);
        send(reply.session().seal(request.reply().toPacket()), go);

        String said = new String(ping.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(ping.waitFor()).as(said).isZero();
        assertThat(said).contains("1 received");
    }

    private static void addJavaPeer() throws IOException, InterruptedException {
        inNamespace("wg", "set", device, "peer", JAVA.publicKeyBase64(), "preshared-key", work.resolve("psk").toString(), "allowed-ips",
                JAVA_TUNNEL_ADDRESS.getHostAddress() + "/32", "endpoint", underlay + ".1:" + ((InetSocketAddress) socket.getLocalAddress()).getPort());
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

    private static String base64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }

    /** A namespace number no earlier run left behind. */
    private static int freeId() throws IOException, InterruptedException {
        List<String> taken = run("ip", "netns", "list").lines().map(line -> line.split(" ")[0]).toList();
        for (int n = 1; n < 250; n++) {
            if (!taken.contains("wgj" + n)) {
                return n;
            }
        }
        throw new IllegalStateException("no free namespace wgj1..wgj249: remove those earlier runs left (ip netns del wgjN)");
    }

    private static String inNamespace(String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + said.strip());
        }
        return said;
    }
}
