package io.corvus.wireguard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two sides of a veth pair for the interoperability tests: side 1 a network namespace of its own
 * (or the host's, for a peer in the test JVM), side 2 always a namespace, where wireguard-go runs.
 * Side {@code i} has the underlay address 10.232.N.i and, on its tunnel device {@code device(i)},
 * the tunnel address 10.98.N.i (and, when asked, fd00:232:N::i and fd00:98:N::i); wireguard-go or the
 * Java device runs on either. Needs root; installs the tools it uses when they are missing.
 */
public final class NamespacePair implements AutoCloseable {

    /** What a Java device runs on unless told otherwise: this JVM's class path. */
    private static final String THIS_CLASS_PATH = System.getProperty("java.class.path");
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String prefix;
    private final int n;
    private final boolean firstIsHost;
    private final List<Process> devices = new ArrayList<>();

    private NamespacePair(String prefix, int n, boolean firstIsHost) {
        this.prefix = prefix;
        this.n = n;
        this.firstIsHost = firstIsHost;
    }

    /** Two namespaces joined by a veth pair; or, with {@code firstIsHost}, the host and one namespace. */
    public static NamespacePair create(Path repository, String prefix, boolean firstIsHost) throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("this test needs root: it makes network namespaces, a veth pair and TUN devices");
        }
        run(List.of("bash", repository.resolve("tools/host-packages.sh").toString(), "ip", "wg", "wireguard-go", "ping", "iperf3"));
        List<String> taken = run(List.of("ip", "netns", "list")).lines().map(line -> line.split(" ")[0]).toList();
        for (int n = 1; n < 250; n++) {
            if (!taken.contains(prefix + n + "b")) {
                NamespacePair pair = new NamespacePair(prefix, n, firstIsHost);
                pair.link();
                return pair;
            }
        }
        throw new IllegalStateException("no free namespace " + prefix + "1b.." + prefix + "249b: remove those earlier runs left (ip netns del)");
    }

    public static NamespacePair create(Path repository, String prefix) throws IOException, InterruptedException {
        return create(repository, prefix, false);
    }

    private void link() throws IOException, InterruptedException {
        run(List.of("ip", "netns", "add", namespace(2)));
        if (!firstIsHost) {
            run(List.of("ip", "netns", "add", namespace(1)));
        }
        run(List.of("ip", "link", "add", prefix + n + "v", "type", "veth", "peer", "name", "eth0", "netns", namespace(2)));
        if (!firstIsHost) {
            run(List.of("ip", "link", "set", prefix + n + "v", "netns", namespace(1), "name", "eth0"));
        }
        String first = firstIsHost ? prefix + n + "v" : "eth0";
        run(1, "ip", "addr", "add", underlayAddress(1) + "/24", "dev", first);
        run(1, "ip", "link", "set", first, "up");
        run(2, "ip", "addr", "add", underlayAddress(2) + "/24", "dev", "eth0");
        run(2, "ip", "link", "set", "eth0", "up");
        run(2, "ip", "link", "set", "lo", "up");
        if (!firstIsHost) {
            run(1, "ip", "link", "set", "lo", "up");
        }
    }

    public String underlayAddress(int side) {
        return "10.232." + n + "." + side;
    }

    public String tunnelAddress(int side) {
        return "10.98." + n + "." + side;
    }

    /** The side's IPv6 underlay address, once {@link #addIpv6} gave it. */
    public String underlayAddress6(int side) {
        return "fd00:232:" + n + "::" + side;
    }

    /** The side's IPv6 tunnel address, once {@link #addIpv6} gave it. */
    public String tunnelAddress6(int side) {
        return "fd00:98:" + n + "::" + side;
    }

    /** Gives a side's veth end and its running tunnel device their IPv6 addresses as well (no duplicate detection to wait for). */
    public void addIpv6(int side) throws IOException, InterruptedException {
        run(side, "ip", "-6", "addr", "add", underlayAddress6(side) + "/64", "dev", firstIsHost && side == 1 ? prefix + n + "v" : "eth0",
                "nodad");
        addTunnelIpv6(side);
    }

    /** Gives a side's running tunnel device its IPv6 address as well; the underlay stays IPv4. */
    public void addTunnelIpv6(int side) throws IOException, InterruptedException {
        run(side, "ip", "-6", "addr", "add", tunnelAddress6(side) + "/64", "dev", device(side), "nodad");
    }

    /** The tunnel device's name on a side. */
    public String device(int side) {
        return prefix + n + "t" + side;
    }

    /**
     * Starts wireguard-go on a side with one peer, waits for its control socket, configures it and
     * gives its device the tunnel address.
     */
    public void startWireguardGo(int side, Path work, Identity key, int port, String peerPublicKey, String presharedKey, String allowedIps,
            String endpoint) throws IOException, InterruptedException {
        Path uapi = Path.of("/var/run/wireguard", device(side) + ".sock");
        Path log = work.resolve("wireguard-go-" + side + ".log");
        Process process = command(side, "wireguard-go", "-f", device(side)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        devices.add(process);
        awaitStart(process, () -> Files.exists(uapi), log, "wireguard-go made no control socket " + uapi);
        Path keyFile = work.resolve("go-" + side + ".key");
        Files.writeString(keyFile, key.privateKeyBase64());
        run(side, "wg", "set", device(side), "private-key", keyFile.toString(), "listen-port", String.valueOf(port));
        addGoPeer(side, work, peerPublicKey, presharedKey, allowedIps, endpoint);
        addressTunnel(side);
    }

    /** (Re)adds the peer of wireguard-go on a side. */
    public void addGoPeer(int side, Path work, String peerPublicKey, String presharedKey, String allowedIps, String endpoint)
            throws IOException, InterruptedException {
        Path pskFile = work.resolve("psk-" + side);
        Files.writeString(pskFile, presharedKey);
        run(side, "wg", "set", device(side), "peer", peerPublicKey, "preshared-key", pskFile.toString(), "allowed-ips", allowedIps,
                "endpoint", endpoint);
    }

    /**
     * Starts the Java device ({@code io.corvus.wireguard.linux.Main}, a process of its own on this
     * JVM's class path) on a side with one peer, once it says it is up, and gives its device the
     * tunnel address. Its output goes to {@code java-device-SIDE.log} in {@code work}.
     *
     * @param jvmOptions       for the device's JVM, e.g. {@code -Dcorvus.wireguard.rekey-after-messages=100}
     * @param morePeerSettings further lines of the peer's section, e.g. {@code PersistentKeepalive = 1}
     */
    public void startJavaDevice(int side, Path work, Identity key, int port, String peerPublicKey, String presharedKey, String allowedIps,
            String endpoint, List<String> jvmOptions, String... morePeerSettings) throws IOException, InterruptedException {
        startJavaDevice(side, work, key, port, peerPublicKey, presharedKey, allowedIps, endpoint, THIS_CLASS_PATH,
                jvmOptions, morePeerSettings);
    }

    private void startJavaDevice(int side, Path work, Identity key, int port, String peerPublicKey, String presharedKey, String allowedIps,
            String endpoint, String classPath, List<String> jvmOptions, String... morePeerSettings) throws IOException, InterruptedException {
        Path config = work.resolve("java-" + side + ".conf");
        List<String> lines = new ArrayList<>(List.of("[Interface]", "PrivateKey = " + key.privateKeyBase64(), "ListenPort = " + port, "",
                "[Peer]", "PublicKey = " + peerPublicKey, "PresharedKey = " + presharedKey, "AllowedIPs = " + allowedIps,
                "Endpoint = " + endpoint));
        lines.addAll(List.of(morePeerSettings));
        Files.writeString(config, String.join("\n", lines) + "\n");
        startJavaProcess(side, work, classPath, jvmOptions, config.toString());
    }

    /**
     * Starts the Java device with no configuration (no key, no peers, any port), as the agent starts
     * it, to be configured with {@code wg}; gives its device the tunnel address once it is up.
     */
    public void startUnconfiguredJavaDevice(int side, Path work, List<String> jvmOptions) throws IOException, InterruptedException {
        startJavaProcess(side, work, THIS_CLASS_PATH, jvmOptions);
    }

    private void startJavaProcess(int side, Path work, String classPath, List<String> jvmOptions, String... config)
            throws IOException, InterruptedException {
        Path log = work.resolve("java-device-" + side + ".log");
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        java.addAll(jvmOptions);
        java.addAll(List.of("-cp", classPath, "io.corvus.wireguard.linux.Main", device(side)));
        java.addAll(List.of(config));
        Process process = command(side, java.toArray(String[]::new)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        devices.add(process);
        awaitStart(process, () -> Files.readString(log).contains("device " + device(side) + " up"), log, "the Java device did not come up");
        addressTunnel(side);
    }

    /** The keys of the two devices {@link #startJavaAndWireguardGo} started. */
    public record Keys(Identity java, Identity wireguardGo) {
    }

    /**
     * The Java device on {@code javaSide} and wireguard-go on the other, each the other's only peer
     * (its tunnel address, at its underlay address and port), with one preshared key.
     */
    public Keys startJavaAndWireguardGo(Path work, int javaSide, int javaPort, int goPort, List<String> jvmOptions, String... morePeerSettings)
            throws IOException, InterruptedException {
        int goSide = 3 - javaSide;
        Keys keys = new Keys(Identity.generate(), Identity.generate());
        String psk = Base64.getEncoder().encodeToString(Identity.generate().publicKey());
        startWireguardGo(goSide, work, keys.wireguardGo(), goPort, keys.java().publicKeyBase64(), psk, tunnelAddress(javaSide) + "/32",
                underlayAddress(javaSide) + ":" + javaPort);
        startJavaDevice(javaSide, work, keys.java(), javaPort, keys.wireguardGo().publicKeyBase64(), psk, tunnelAddress(goSide) + "/32",
                underlayAddress(goSide) + ":" + goPort, jvmOptions, morePeerSettings);
        return keys;
    }

    /**
     * The same kind of device on both sides (the Java device, or wireguard-go), each the other's
     * only peer (its IPv4 and IPv6 tunnel addresses), on ports {@code basePort} + side, with one
     * preshared key; {@code jvmOptions} for Java devices.
     */
    public void startPair(Path work, int basePort, boolean javaDevices, List<String> jvmOptions) throws IOException, InterruptedException {
        startPair(work, basePort, javaDevices, THIS_CLASS_PATH, jvmOptions);
    }

    /** {@link #startPair}, the Java devices on {@code javaClassPath} (another build's, for one) instead of this JVM's. */
    public void startPair(Path work, int basePort, boolean javaDevices, String javaClassPath, List<String> jvmOptions)
            throws IOException, InterruptedException {
        Identity[] keys = {Identity.generate(), Identity.generate()};
        String psk = Base64.getEncoder().encodeToString(Identity.generate().publicKey());
        for (int side = 1; side <= 2; side++) {
            int other = 3 - side;
            String peer = keys[other - 1].publicKeyBase64();
            String allowed = tunnelAddress(other) + "/32," + tunnelAddress6(other) + "/128";
            String endpoint = underlayAddress(other) + ":" + (basePort + other);
            if (javaDevices) {
                startJavaDevice(side, work, keys[side - 1], basePort + side, peer, psk, allowed, endpoint, javaClassPath, jvmOptions);
            } else {
                startWireguardGo(side, work, keys[side - 1], basePort + side, peer, psk, allowed, endpoint);
            }
        }
    }

    /** Runs {@code wg syncconf} on a side's device: this key and port, and these peers ({@link #peerSection}). */
    public void syncconf(int side, Path work, Identity key, int port, String peers) throws IOException, InterruptedException {
        Path file = work.resolve("sync-" + side + ".conf");
        Files.writeString(file, "[Interface]\nPrivateKey = " + key.privateKeyBase64() + "\nListenPort = " + port + "\n" + peers);
        run(side, "wg", "syncconf", device(side), file.toString());
    }

    /** A {@code [Peer]} section of a {@code wg} configuration file, with more lines such as {@code PersistentKeepalive = 5}. */
    public static String peerSection(Identity key, String presharedKey, String allowedIps, String endpoint, String... more) {
        List<String> lines = new ArrayList<>(List.of("", "[Peer]", "PublicKey = " + key.publicKeyBase64(), "PresharedKey = " + presharedKey,
                "AllowedIPs = " + allowedIps, "Endpoint = " + endpoint));
        lines.addAll(List.of(more));
        lines.add("");
        return String.join("\n", lines);
    }

    private interface Check {
        boolean holds() throws IOException;
    }

    /** Until a device says it is ready; fails with its log if it ends or takes longer than {@link #PATIENCE}. */
    private static void awaitStart(Process process, Check ready, Path log, String failure) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!ready.holds()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(failure + ": " + Files.readString(log));
            }
            process.waitFor(20, TimeUnit.MILLISECONDS);
        }
    }

    public void addressTunnel(int side) throws IOException, InterruptedException {
        run(side, "ip", "addr", "add", tunnelAddress(side) + "/24", "dev", device(side));
        run(side, "ip", "link", "set", device(side), "up");
    }

    /** An iperf3 server on a side, bound to {@code address}, once it listens. */
    public Process serveIperf(int side, String address) throws IOException {
        Process server = command(side, "iperf3", "-s", "--forceflush", "-B", address).redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        for (String line = output.readLine(); line != null; line = output.readLine()) {
            if (line.contains("Server listening")) {
                Thread.ofVirtual().start(() -> drain(output));
                return server;
            }
        }
        throw new IllegalStateException("iperf3 -s ended before it listened");
    }

    /** Keeps a process's pipe from filling until the process ends (or is stopped, which closes it). */
    private static void drain(BufferedReader output) {
        try {
            output.lines().forEach(ignored -> { });
        } catch (UncheckedIOException closed) {
            // the process was stopped
        }
    }

    /** A process on a side, not started. */
    public ProcessBuilder command(int side, String... command) {
        List<String> full = new ArrayList<>();
        if (side == 2 || !firstIsHost) {
            full.addAll(List.of("ip", "netns", "exec", namespace(side)));
        }
        full.addAll(List.of(command));
        return new ProcessBuilder(full);
    }

    /** Runs a command on a side; its output, or an exception with it when it fails. */
    public String run(int side, String... command) throws IOException, InterruptedException {
        return run(command(side, command).command());
    }

    /** Stops the devices started on both sides; their tunnel devices go with them. */
    public void stopDevices() throws InterruptedException {
        for (Process device : devices) {
            device.destroy();
            device.waitFor(10, TimeUnit.SECONDS);
        }
        devices.clear();
    }

    /** The processes of the devices running now (wireguard-go's, the Java device's). */
    public List<Process> devices() {
        return List.copyOf(devices);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stopDevices();
        run(List.of("ip", "netns", "del", namespace(2))); // takes the veth pair with it
        if (!firstIsHost) {
            run(List.of("ip", "netns", "del", namespace(1)));
        }
    }

    private String namespace(int side) {
        return prefix + n + (side == 1 ? "a" : "b");
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + said.strip());
        }
        return said;
    }
}
