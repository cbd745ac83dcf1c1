package io.corvus.agent.proxy;

import static io.corvus.agent.topology.Topologies.cloud;
import static io.corvus.agent.topology.Topologies.edge;
import static io.corvus.agent.topology.Topologies.member;
import static io.corvus.agent.topology.Topologies.proxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.management.ObjectName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import io.corvus.agent.Steady;
import io.corvus.agent.proxy.ProxyRig.Agent;
import io.corvus.agent.topology.ClusterView;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a broken or hostile peer, and heavy churn, cannot do to an agent: frames that are random or
 * mutated close the connection and leave the process serving; garbage at a front door is refused;
 * a thousand short-lived streams leave no file descriptor, stream, buffer or socket object behind.
 */
class ProxyRobustnessIT {

    private static final byte[] PING_PAYLOAD = {'c', 'o', 'r', 'v', 'u', 's', '!', '!'};

    private ProxyRig rig;
    private KubeletLike kubelet;
    private SlowTarget stalledTarget;
    private Agent cloud;
    private Agent edge;
    private SSLSocketFactory intruder;

    @BeforeEach
    void cluster() throws Exception {
        rig = new ProxyRig();
        kubelet = rig.closeLater(new KubeletLike("edge-1", "127.0.0.1"));
        stalledTarget = rig.closeLater(SlowTarget.neverReading("127.0.0.1"));
        cloud = rig.agent("cloud-1", Set.of());
        edge = rig.agent("edge-1", Set.of(kubelet.port(), stalledTarget.port()));
        ProxyRig.bringUp(cloud, this::view, List.of(edge));
        // the elected gateway of pool "lab": a valid certificate in the wrong hands
        intruder = JdkTls.context(rig.tls("edge-f"), true).getSocketFactory();
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    @Test
    void randomAndMutatedFramesFromACertifiedPeerCloseItsConnectionAndTheAgentKeepsServing() throws Exception {
        Random random = new Random(20261126);
        int closedByTheAgent = 0;
        for (int round = 0; round < 150; round++) {
            byte[] attack = switch (round % 3) {
                case 0 -> randomBytes(random, 1 + random.nextInt(2048));
                case 1 -> concat(settingsFrame(), randomFrames(random));
                default -> concat(settingsFrame(), mutate(random, validFrames()));
            };
            if (afterAttack(attack)) {
                closedByTheAgent++;
            }
        }
        assertThat(closedByTheAgent).as("most attacks are invalid HTTP/2 and end the connection").isGreaterThan(75);
        try (RawHttp client = RawHttp.to(cloud.httpPort())) {
            client.send("GET /pods HTTP/1.1\r\nHost: edge-1:" + kubelet.port() + "\r\n\r\n");
            assertThat(client.rest()).as("the agent lives and serves").contains("\"node\":\"edge-1\"");
        }
    }

    @Test
    void garbageAtAFrontDoorIsRefusedAndTheDoorStaysOpen() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 100; round++) {
            try (RawHttp client = RawHttp.to(cloud.httpPort())) {
                client.out.write(randomBytes(random, 1 + random.nextInt(9000)));
                client.out.write("\r\n\r\n".getBytes());
                client.out.flush();
                String answer = client.rest();
                assertThat(answer).satisfiesAnyOf(a -> assertThat(a).startsWith("HTTP/1.1 400"), a -> assertThat(a).startsWith("HTTP/1.1 403"),
                        a -> assertThat(a).isEmpty());
            } catch (IOException reset) {
                // the door hung up while we were still sending: also a refusal
            }
        }
        try (RawHttp client = RawHttp.to(cloud.httpPort())) {
            client.send("GET /pods HTTP/1.1\r\nHost: edge-1:" + kubelet.port() + "\r\n\r\n");
            assertThat(client.rest()).contains("\"node\":\"edge-1\"");
        }
    }

    @Test
    void aThousandShortLivedStreamsLeaveNoDescriptorStreamBufferOrSocketObjectBehind() throws Exception {
        List<String> leaks = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (String.valueOf(record.getMessage()).contains("LEAK")) {
                    leaks.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger detectorLog = Logger.getLogger(ResourceLeakDetector.class.getName());
        detectorLog.addHandler(capture);
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try {
            warmUp();
            long descriptors = openDescriptors();

            for (int i = 0; i < 1000; i++) {
                try (RawHttp client = RawHttp.to(cloud.httpPort())) {
                    client.send("CONNECT edge-1:" + kubelet.port() + " HTTP/1.1\r\n\r\n");
                    assertThat(client.head()).startsWith("HTTP/1.1 200");
                    client.send("GET /pods HTTP/1.1\r\nHost: edge-1\r\nConnection: close\r\n\r\n");
                    assertThat(client.rest()).contains("\"node\":\"edge-1\"");
                }
            }

            ProxyRig.awaitNoOpenStreams(cloud, edge);
            for (Agent agent : List.of(cloud, edge)) {
                assertThat(agent.stats().heldToSend()).as("bytes " + agent.node() + " counts as held to send, all streams gone").isZero();
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(openDescriptors()).as("open file descriptors")
                    .isLessThanOrEqualTo(descriptors + 8));
            provokeLeakReports();
            assertThat(leaks).as("buffers the data plane dropped without releasing").isEmpty();
            // a timer or a handler that outlives its socket keeps the channel, its pipeline and its
            // buffers reachable: with one per stream, a busy gateway runs out of heap
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(liveInstances("io.netty.channel.epoll.EpollSocketChannel"))
                    .as("socket channels still reachable (the two ends of the link and a few for the next accepts)").isLessThanOrEqualTo(8));
        } finally {
            ResourceLeakDetector.setLevel(level);
            detectorLog.removeHandler(capture);
        }
    }

    @Test
    void streamsIntoTargetsThatNeverReadHoldNoMoreThanTheReceiveBudgetAndOthersKeepFlowing() throws Exception {
        warmUp();
        long directBefore = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        List<RawHttp> pushers = new ArrayList<>();
        AtomicInteger cutOff = new AtomicInteger();
        try {
            // 100 streams, each 1 MiB of window: unbounded they would hold 100 MiB, above an agent's 64 MiB of direct memory
            for (int i = 0; i < 100; i++) {
                pushers.add(pushIntoTheStalledTarget(cutOff::incrementAndGet));
            }
            // awaited first: a pause in the pushing alone (a slow minute of this machine) can look steady
            await("stalled streams reset to keep the budget").atMost(Duration.ofSeconds(60)).until(() -> edge.stats().shedStreams() > 0);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(Steady.within(0, cloud.stats()::bytesIn));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cutOff.get()).as("clients whose stream was reset, cut off")
                    .isEqualTo(edge.stats().shedStreams()));
            assertThat(PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() - directBefore).as("direct memory the stalled streams hold")
                    .isLessThan(40L << 20);
            for (int i = 0; i < 20; i++) {
                try (RawHttp client = RawHttp.to(cloud.httpPort())) {
                    client.send("GET /pods HTTP/1.1\r\nHost: edge-1:" + kubelet.port() + "\r\n\r\n");
                    assertThat(client.rest()).as("a stream that reads, beside the stalled ones").contains("\"node\":\"edge-1\"");
                }
            }
        } finally {
            for (RawHttp pusher : pushers) {
                pusher.hangUpWithReset();
            }
        }
        ProxyRig.awaitNoOpenStreams(cloud, edge);
    }

    @Test
    void aClientThatHangsUpOnAStalledStreamFreesItAtBothGateways() throws Exception {
        RawHttp pusher = pushIntoTheStalledTarget(() -> { });
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(Steady.within(0, cloud.stats()::bytesIn));
        assertThat(edge.stats().openStreams()).isOne();

        pusher.hangUpWithReset();

        ProxyRig.awaitNoOpenStreams(cloud, edge); // at the edge: the stream, its window of unread frames and its target socket
    }

    private RawHttp pushIntoTheStalledTarget(Runnable cutOff) throws IOException {
        return RawHttp.connectAndPush(cloud.httpPort(), "edge-1:" + stalledTarget.port(), cutOff);
    }

    /** Sends the attack as a certified edge node; true when the agent closed the connection, false when it still answers a PING. */
    private boolean afterAttack(byte[] attack) throws Exception {
        try (SSLSocket socket = (SSLSocket) intruder.createSocket("127.0.0.1", cloud.linkPort())) {
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            try {
                out.write(attack);
                out.write(frame(6, 0, 0, PING_PAYLOAD));
                out.flush();
            } catch (IOException closedWhileSending) {
                return true;
            }
            return !answersPing(new DataInputStream(socket.getInputStream()));
        }
    }

    /** Reads frames until our PING comes back acknowledged (true) or the connection ends (false). */
    private static boolean answersPing(DataInputStream in) throws IOException {
        byte[] preface = new byte[24]; // the agent, as HTTP/2 client, starts with the connection preface
        try {
            in.readFully(preface);
            while (true) {
                int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                in.readInt();
                byte[] payload = in.readNBytes(length);
                if (type == 6 && (flags & 1) == 1 && Arrays.equals(payload, PING_PAYLOAD)) {
                    return true;
                }
            }
        } catch (EOFException | SocketTimeoutException | SocketException | SSLException ended) {
            return false;
        }
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(payload.length >>> 16);
        frame.write(payload.length >>> 8);
        frame.write(payload.length);
        frame.write(type);
        frame.write(flags);
        frame.write(stream >>> 24);
        frame.write(stream >>> 16);
        frame.write(stream >>> 8);
        frame.write(stream);
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    private static byte[] settingsFrame() {
        return frame(4, 0, 0, new byte[0]);
    }

    /** Frames of every type with random flags, stream ids and payloads (lengths sometimes lying). */
    private static byte[] randomFrames(Random random) {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0, n = 1 + random.nextInt(6); i < n; i++) {
            byte[] payload = randomBytes(random, random.nextInt(64));
            byte[] frame = frame(random.nextInt(12), random.nextInt(256), random.nextInt(8), payload);
            if (random.nextBoolean()) {
                frame[2] = (byte) random.nextInt(256); // the length field lies
            }
            frames.writeBytes(frame);
        }
        return frames.toByteArray();
    }

    /** A plausible sequence an edge could send: SETTINGS ACK, WINDOW_UPDATE, HEADERS answering stream 1, DATA, RST_STREAM. */
    private static byte[] validFrames() {
        return concat(frame(4, 1, 0, new byte[0]), frame(8, 0, 0, new byte[] {0, 1, 0, 0}),
                frame(1, 4, 1, new byte[] {(byte) 0x88}), frame(0, 0, 1, "hello".getBytes()), frame(3, 0, 1, new byte[] {0, 0, 0, 8}));
    }

    private static byte[] mutate(Random random, byte[] frames) {
        byte[] mutated = frames.clone();
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
        }
        return mutated;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    private void warmUp() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (RawHttp client = RawHttp.to(cloud.httpPort())) {
                client.send("GET /pods HTTP/1.1\r\nHost: edge-1:" + kubelet.port() + "\r\n\r\n").rest();
            }
        }
    }

    private static long openDescriptors() throws IOException {
        try (var entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count();
        }
    }

    /** Objects of the class that survive a full collection, from the JVM's class histogram (as {@code jcmd GC.class_histogram}). */
    private static long liveInstances(String className) throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram", new Object[] {null}, new String[] {String[].class.getName()});
        return histogram.lines().map(line -> line.trim().split("\\s+"))
                .filter(columns -> columns.length >= 4 && columns[3].equals(className))
                .mapToLong(columns -> Long.parseLong(columns[1])).sum();
    }

    /** The detector reports a leaked buffer when later allocations find it collected unreleased. */
    private static void provokeLeakReports() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (int i = 0; i < 2000; i++) {
                ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(64);
                buffer.release();
            }
        }
    }

    private ClusterView view(long generation, int cloudPort) {
        return ClusterView.empty(ProxyRig.CLUSTER)
                .with(cloud(ProxyRig.CLUSTER, generation, List.of(), proxy("cloud-1", "127.0.0.1", cloudPort)))
                .with(edge(ProxyRig.CLUSTER, "hangzhou", generation, 1, member("edge-1", "127.0.0.1")))
                .with(edge(ProxyRig.CLUSTER, "lab", generation, 1, member("edge-f", "127.0.0.9")));
    }
}
