package io.corvus.wireguard.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.corvus.wireguard.Cookies;
import io.corvus.wireguard.Handshake;
import io.corvus.wireguard.HostPeer;
import io.corvus.wireguard.Identity;
import io.corvus.wireguard.Ipv4Echo;
import io.corvus.wireguard.NamespacePair;
import io.corvus.wireguard.Packet;
import io.corvus.wireguard.Session;
import io.corvus.wireguard.Timestamps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java device (a process in a namespace) against a sender on the host that holds a real
 * session with it and misbehaves: replayed, forged, truncated and misaddressed transport messages,
 * and thousands of random datagrams of every message type from no one. The device drops each, keeps
 * forwarding (a ping through the same session is answered after all of it), and counts the drops by
 * reason (printed when it stops). Before that, the sender plays an initiator under load, which
 * answers the device's response with a cookie reply and gets the cookie's mac2 on the next; and,
 * with the device under a flood of initiations, a responder whose first response carries no mac2:
 * the device answers it with a cookie reply and takes only the next response, with the cookie's
 * mac2. And a flood of 20,000 datagrams from no one leaves the device's heap as it was. Needs root.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a bound for a hang, not a timing: every step waits for its answer
class DeviceUnderAttackIT {

    private static final int DEVICE_PORT = 51823;
    private static final Pattern DROP = Pattern.compile("([a-z_.]+)=(\\d+)");
    /** Datagrams from no one in the memory test: half initiations with a valid mac1, half random bytes of every type. */
    private static final int FLOOD = 20_000;

    @TempDir
    static Path work;
    private static NamespacePair lab;
    private static HostPeer host;
    private static InetSocketAddress device;
    private static final Identity HOST = Identity.generate();
    private static final Identity DEVICE = Identity.generate();
    private static final byte[] PSK = Identity.generate().publicKey();

    @BeforeAll
    static void startTheDevice() throws Exception {
        lab = NamespacePair.create(Path.of(".."), "wga", true);
        host = new HostPeer(lab.underlayAddress(1), HOST);
        device = new InetSocketAddress(lab.underlayAddress(2), DEVICE_PORT);
        lab.startJavaDevice(2, work, DEVICE, DEVICE_PORT, HOST.publicKeyBase64(), Base64.getEncoder().encodeToString(PSK),
                lab.tunnelAddress(1) + "/32", lab.underlayAddress(1) + ":" + host.port(), List.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (host != null) {
            host.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void anInitiatorUnderLoadThatSendsACookieForTheResponseGetsTheNextResponseWithItsMac2() throws Exception {
        Cookies.Responder underLoad = new Cookies.Responder(HOST);
        byte[] source = Cookies.source(device);
        byte[] first = host.initiateUntilAnswered(DEVICE.publicKey(), PSK, device, 1000).response();
        assertThat(underLoad.mac2Valid(first, source, Instant.now())).as("no cookie yet: mac2 is zeros").isFalse();

        host.send(underLoad.reply(first, source, Instant.now()), device); // the response is dropped, the cookie sent instead
        // the device reads datagrams in order: once it answers the next initiation, it has taken the cookie
        byte[] next = host.initiateUntilAnswered(DEVICE.publicKey(), PSK, device, 2000).response();

        assertThat(underLoad.mac2Valid(next, source, Instant.now())).as("the cookie's mac2 on the next response").isTrue();
    }

    @Test
    @Order(2)
    void underLoadTheDeviceAnswersAResponseWithoutMac2WithACookieAndTakesTheNextThatCarriesIt() throws Exception {
        Process flood = lab.command(1, Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), InitiationFlood.class.getName(), device.getHostString(),
                String.valueOf(DEVICE_PORT), DEVICE.publicKeyBase64(), "2000").redirectErrorStream(true)
                .redirectOutput(work.resolve("flood.log").toFile()).start();
        // pings in the device's namespace make it initiate towards the host, again every 5 s until it has a session
        Process pings = lab.command(2, "ping", "-n", "-c", "120", lab.tunnelAddress(1)).start();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(work.resolve("flood.log")).contains("the target answers with cookie replies"));
            Cookies.Jar jar = new Cookies.Jar(DEVICE.publicKey());
            int[] index = {3000};
            byte[] cookieReply = null;
            Handshake.Reply unproven = null;
            while (cookieReply == null) { // answer the device's latest initiation, without mac2, until it asks for a cookie
                unproven = responseToNextInitiation(index[0]++);
                host.send(unproven.message(), device);
                int sent = unproven.session().localIndex();
                byte[] answer = host.receive(datagram -> (datagram[0] == 3 || datagram[0] == 4) && receiverIndex(datagram) == sent);
                assertThat(answer == null ? 0 : answer[0]).as("a cookie reply, not data in the unproven session").isNotEqualTo((byte) 4);
                cookieReply = answer;
            }
            jar.take(cookieReply, Handshake.mac1Of(unproven.message()), Instant.now());

            byte[] transport = null;
            while (transport == null) { // the device's next try: a response with the cookie's mac2 makes the session
                Handshake.Reply proven = responseToNextInitiation(index[0]++);
                jar.putMac2(proven.message(), Instant.now());
                host.send(proven.message(), device);
                int sent = proven.session().localIndex();
                transport = host.receive(datagram -> datagram[0] == 4 && receiverIndex(datagram) == sent);
            }
            assertThat(flood.isAlive()).as("under load all along").isTrue();
        } finally {
            flood.destroy();
            pings.destroy();
            flood.waitFor();
            pings.waitFor();
        }
    }

    /** The response to the next initiation the device sends, not yet sent (its mac2 zeros). */
    private static Handshake.Reply responseToNextInitiation(int index) throws Exception {
        byte[] initiation = null;
        while (initiation == null) { // each try waits a second; the device sends one every 5 s until it has a session
            initiation = host.receive(datagram -> datagram[0] == 1 && datagram.length == Handshake.INITIATION_LENGTH);
        }
        return Handshake.receive(HOST, initiation).respond(PSK, index);
    }

    private static int receiverIndex(byte[] datagram) {
        return datagram.length < 8 ? -1 : ByteBuffer.wrap(datagram).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
    }

    @Test
    @Order(3)
    void aFloodFromNoOneLeavesNothingBehindInTheDevicesHeap() throws Exception {
        Session session = host.connect(DEVICE.publicKey(), PSK, device);
        host.exchange(session, ping(500), device, replyTo(500));
        long before = heapUsedAfterFullGc();

        Random random = new Random(24);
        List<byte[]> initiations = new ArrayList<>(); // valid mac1, keys the device does not know: X25519 work or a cookie each
        for (int i = 0; i < 20; i++) {
            initiations.add(Handshake.initiate(Identity.generate(), DEVICE.publicKey(), null, i, Timestamps.tai64n(Instant.now())).message());
        }
        for (int i = 0; i < FLOOD; i++) {
            byte[] junk = i % 2 == 0 ? initiations.get(i % 20) : new byte[1 + random.nextInt(200)];
            if (i % 2 == 1) {
                random.nextBytes(junk);
                junk[0] = (byte) (1 + i % 4);
            }
            host.send(junk, device);
            if (i % 200 == 199) { // its answer comes after the device read all sent before it
                host.exchange(session, ping(1000 + i / 200), device, replyTo(1000 + i / 200));
            }
        }
        long after = heapUsedAfterFullGc();

        System.out.printf("device heap after a full GC: %d KB before, %d KB after %d datagrams%n", before / 1024, after / 1024, FLOOD);
        assertThat(after - before).as("heap growth over %d datagrams (100 bytes kept per datagram would be %d)", FLOOD, FLOOD * 100)
                .isLessThan(FLOOD * 100L);
    }

    /** The device's used heap once a full collection ran (jcmd against its process). */
    private static long heapUsedAfterFullGc() throws Exception {
        String pid = String.valueOf(lab.devices().getFirst().pid());
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        lab.run(1, jcmd, pid, "GC.run");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(lab.run(1, jcmd, pid, "GC.heap_info"));
        assertThat(used.find()).as("jcmd GC.heap_info names the used heap").isTrue();
        return Long.parseLong(used.group(1)) * 1024;
    }

    @Test
    @Order(4)
    void everyBadDatagramIsDroppedAndCountedAndTheSessionStillCarriesPings() throws Exception {
        Session session = host.connect(DEVICE.publicKey(), PSK, device);
        byte[] first = session.seal(Packet.of(ping(1))).toArray();
        host.send(first, device);
        host.exchange(session, ping(1), device, replyTo(1));

        host.send(first, device); // replayed
        byte[] forged = session.seal(Packet.of(ping(2))).toArray();
        forged[forged.length - 1] ^= 1;
        host.send(forged, device);
        host.send(Arrays.copyOf(session.seal(Packet.of(ping(3))).toArray(), 20), device); // truncated
        byte[] misaddressed = session.seal(Packet.of(ping(4))).toArray();
        misaddressed[4] ^= 1;
        host.send(misaddressed, device);
        byte[] initiation = Handshake.initiate(HOST, DEVICE.publicKey(), PSK, 99, Timestamps.tai64n(Instant.EPOCH)).message();
        host.send(initiation, device); // a timestamp older than the device took: a replayed initiation
        Random random = new Random(25);
        int[] lengthOfType = {0, Handshake.INITIATION_LENGTH, Handshake.RESPONSE_LENGTH, 64, 48};
        for (int i = 0; i < 3000; i++) {
            int type = 1 + i % 4; // every message type, half of them the length their type has
            byte[] junk = new byte[i % 8 < 4 ? lengthOfType[type] : random.nextInt(200)];
            random.nextBytes(junk);
            if (junk.length > 0) {
                junk[0] = (byte) type;
            }
            if (junk.length > 3) {
                junk[1] = junk[2] = junk[3] = 0;
            }
            host.send(junk, device);
            if (i % 50 == 49) { // its answer comes after the device read all sent before it: none overflows its socket
                host.exchange(session, ping(100 + i / 50), device, replyTo(100 + i / 50));
            }
        }

        assertThat(host.exchange(session, ping(5), device, replyTo(5))).as("the device still forwards through the session").isNotEmpty();

        String drops = stopAndReadDrops();
        assertThat(count(drops, "protocol.replayed")).isGreaterThanOrEqualTo(1);
        assertThat(count(drops, "protocol.forged")).isGreaterThanOrEqualTo(1);
        assertThat(count(drops, "protocol.malformed")).isGreaterThanOrEqualTo(1);
        assertThat(count(drops, "protocol.unknown_index")).isGreaterThanOrEqualTo(1);
        assertThat(count(drops, "protocol.bad_mac")).as("the 375 random initiations of the right length, at least, fail their mac").isGreaterThanOrEqualTo(375);
        assertThat(count(drops, "protocol.replayed_initiation")).isEqualTo(1);
    }

    private static byte[] ping(int sequence) {
        return new Ipv4Echo(Ipv4Echo.address(lab.tunnelAddress(1)), Ipv4Echo.address(lab.tunnelAddress(2)), true, 9, sequence,
                "under attack".getBytes(StandardCharsets.US_ASCII)).toPacket();
    }

    private static Predicate<byte[]> replyTo(int sequence) {
        return packet -> {
            Ipv4Echo echo = Ipv4Echo.parse(packet);
            return echo != null && !echo.request() && echo.sequence() == sequence;
        };
    }

    private static String stopAndReadDrops() throws Exception {
        lab.stopDevices();
        String log = Files.readString(work.resolve("java-device-2.log"));
        int at = log.lastIndexOf("drops {");
        assertThat(at).as("the device's last words: " + log).isNotNegative();
        return log.substring(at);
    }

    private static long count(String drops, String reason) {
        Matcher matcher = DROP.matcher(drops);
        while (matcher.find()) {
            if (matcher.group(1).equals(reason)) {
                return Long.parseLong(matcher.group(2));
            }
        }
        throw new AssertionError("no count " + reason + " in " + drops);
    }
}
