package io.corvus.agent.bench;

import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.corvus.agent.Steady;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.TopicBootstrap;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.kafka.broker.FreePorts;
import io.corvus.kafka.broker.KraftBroker;
import io.corvus.pki.ClusterCa;
import io.corvus.pki.NodeCredentials;
import io.corvus.testing.BenchLogging;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The proxy data plane against its peers, in one run on one machine: the same traffic pushed
 * (a) straight over loopback, (b) through an OpenSSH reverse link (bench/ssh-peer.sh),
 * (c) through Corvus: two real agent processes (the built agent.jar), a cloud gateway and an
 * edge gateway, given their roles by topology events on a KRaft broker, mutual TLS between them.
 * The client sits on the cloud side, the targets behind the edge. Run by bench/proxy.sh; prints
 * one name=value line per figure. With {@code --profile=bulk1|bulk64|newstream} it runs only that
 * Corvus workload under perf instead and prints where the agents' CPU goes.
 */
public final class ProxyBench {

    private static final byte[] KIB = new byte[1024];
    private static final int CLIENTS = 64;
    /** Each throughput test runs this many times, the variants taking turns (see {@link Rounds}). */
    private static final int ROUNDS = 3;
    /** With {@code --against}, rounds of the two builds, in alternating order (see {@link #compareBuilds}). */
    private static final int BUILD_ROUNDS = 6;
    /** The agents' JIT has settled when a warm-up round makes it compile fewer methods than this. */
    private static final int JIT_SETTLED = 10;
    private static final int WARM_UP_ROUNDS_MAX = 40;
    /** A row of {@code perf report --stdio}: "  7.06%  [k] _copy_to_iter". */
    private static final Pattern PERF_ROW = Pattern.compile("^\\s*([0-9.]+)%\\s+(.*?)\\s*$");

    /** How a client reaches a target port in each variant. */
    @FunctionalInterface
    interface Dialer {
        Socket dial(int targetPort) throws IOException;
    }

    private ProxyBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchLogging.warningsOnly();
        run(args);
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        List<String> arguments = new ArrayList<>(Arrays.asList(args));
        String profile = option(arguments, "--profile=");
        String against = option(arguments, "--against=");
        if (profile != null && !List.of("bulk1", "bulk64", "newstream").contains(profile)) {
            throw new IllegalArgumentException("--profile takes bulk1, bulk64 or newstream, not '" + profile + "'");
        }
        long bulkBytes = (arguments.isEmpty() ? 2048 : Long.parseLong(arguments.getFirst())) << 20;
        Path root = Path.of("").toAbsolutePath();
        Path work = Files.createTempDirectory("corvus-proxy-bench");
        Map<String, String> figures = new LinkedHashMap<>();
        List<Process> agents = new ArrayList<>();
        List<String> sshStates = new ArrayList<>();
        KraftBroker broker = KraftBroker.start(work.resolve("kafka"), 0);
        try (Targets targets = new Targets()) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                new TopicBootstrap(admin).ensureTopics();
            }
            // perf names the agents' compiled Java methods from the symbol map each JVM writes at exit
            List<String> extraJvm = profile == null ? List.of() : List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+DumpPerfMapAtExit");
            Gateways corvus = Gateways.start(root, "bench", work, bootstrap, targets, extraJvm);
            agents.addAll(corvus.agents());
            if (profile != null) {
                Path samples = work.resolve("perf.data");
                profile(profile, corvus.dialer(), targets, agents, bulkBytes, samples);
                stop(agents); // the agents write their symbol maps as they exit
                agents.clear();
                printProfile(samples);
                return;
            }
            if (against != null) {
                Gateways base = Gateways.start(Path.of(against), "base", work, bootstrap, targets, List.of());
                agents.addAll(base.agents());
                compareBuilds(corvus, base, targets, bulkBytes);
                return;
            }
            awaitIdle(agents); // the link is up, nothing flows
            figures.put("agent_rss_idle_mb_cloud", mb(rssKb(corvus.cloud())));
            figures.put("agent_rss_idle_mb_edge", mb(rssKb(corvus.edge())));

            int[] sshPorts = FreePorts.take(2);
            int sinkLink = sshPorts[0];
            int echoLink = sshPorts[1];
            sshStates.add(ssh(root, "start", String.valueOf(sinkLink), "127.0.0.1:" + targets.sinkPort()));
            sshStates.add(ssh(root, "start", String.valueOf(echoLink), "127.0.0.1:" + targets.echoPort()));
            Dialer raw = port -> new Socket(InetAddress.getLoopbackAddress(), port);
            Dialer viaSsh = port -> new Socket(InetAddress.getLoopbackAddress(), port == targets.sinkPort() ? sinkLink : echoLink);

            Map<String, Variant> variants = new LinkedHashMap<>();
            variants.put("raw", new Variant(raw, List.of(), List.of()));
            variants.put("ssh", new Variant(viaSsh, sshPids(sshStates), List.of()));
            variants.put("corvus", new Variant(corvus.dialer(), agents, agents));
            Peaks rss = Peaks.rss(corvus.agents());
            Rounds rounds = measure(variants, targets, bulkBytes, ROUNDS, false, figures);
            long[] peak = rss.stop();
            figures.putAll(rounds.medians());
            awaitIdle(agents); // idle again: what a gateway holds between bursts
            figures.put("agent_rss_after_load_mb_cloud", mb(rssKb(corvus.cloud())));
            figures.put("agent_rss_after_load_mb_edge", mb(rssKb(corvus.edge())));
            figures.put("agent_rss_load_mb_cloud", mb(peak[0]));
            figures.put("agent_rss_load_mb_edge", mb(peak[1]));
            figures.putAll(rounds.pairedRatios("ratio_vs_ssh_bulk1", "corvus_bulk1_gbit_s", "ssh_bulk1_gbit_s"));
            figures.putAll(rounds.pairedRatios("ratio_vs_ssh_bulk64", "corvus_bulk64_gbit_s", "ssh_bulk64_gbit_s"));
            figures.putAll(rounds.pairedRatios("ratio_vs_ssh_rps", "corvus_newstream_rps", "ssh_newstream_rps"));
            figures.putAll(rounds.pairedRatios("ratio_vs_raw_bulk1", "corvus_bulk1_gbit_s", "raw_bulk1_gbit_s"));
            figures.putAll(rounds.pairedRatios("ratio_vs_raw_bulk64", "corvus_bulk64_gbit_s", "raw_bulk64_gbit_s"));
            // the steadier figures on a shared machine: CPU per unit of work, the agents' against ssh's
            figures.putAll(rounds.pairedRatios("cpu_per_gb_vs_ssh", "corvus_cpu_s_per_gb_bulk64", "ssh_cpu_s_per_gb_bulk64"));
            figures.putAll(rounds.pairedRatios("cpu_per_gb_vs_ssh_bulk1", "corvus_cpu_s_per_gb_bulk1", "ssh_cpu_s_per_gb_bulk1"));
            figures.putAll(rounds.pairedRatios("cpu_per_stream_vs_ssh", "corvus_cpu_ms_per_newstream", "ssh_cpu_ms_per_newstream"));
            figures.forEach((name, value) -> System.out.println(name + "=" + value));
        } finally {
            for (String state : sshStates) {
                ssh(root, "stop", state);
            }
            stop(agents); // before the broker: an agent stops cleanly only while it can reach it
            broker.close();
        }
    }

    /** The value of {@code --name=value} among the arguments, which then leaves them; null if absent. */
    private static String option(List<String> arguments, String prefix) {
        String value = arguments.stream().filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length())).findFirst().orElse(null);
        arguments.removeIf(a -> a.startsWith(prefix));
        return value;
    }

    /**
     * How a variant is reached, whose CPU it costs, whose JIT its warm-up waits for, and whose held
     * bytes are sampled during its bulk tests (agents' metrics ports; none outside {@code --against}).
     */
    private record Variant(Dialer dialer, List<?> linkProcesses, List<Process> jitted, List<Integer> metricsPorts) {
        Variant(Dialer dialer, List<?> linkProcesses, List<Process> jitted) {
            this(dialer, linkProcesses, jitted, List.of());
        }
    }

    /**
     * Each variant's warm-up, then {@code count} rounds of the kept-stream latency and the throughput
     * tests, the variants taking turns within each round; with {@code alternate} every other round
     * runs them in reverse order, so that neither always goes first after the other's load.
     */
    private static Rounds measure(Map<String, Variant> variants, Targets targets, long bulkBytes, int count, boolean alternate,
            Map<String, String> figures) throws Exception {
        Rounds rounds = new Rounds();
        for (int round = 0; round < count; round++) {
            List<String> order = new ArrayList<>(variants.keySet());
            if (alternate && round % 2 == 1) {
                order = order.reversed();
            }
            for (String name : order) {
                Variant variant = variants.get(name);
                if (round == 0) {
                    String compiled = warmUp(variant.dialer(), targets, bulkBytes, variant.jitted());
                    if (!variant.jitted().isEmpty()) {
                        figures.put(name + "_warm_up_jit_compiles_per_round", compiled);
                    }
                }
                // every round, in the round's order: measured once, one minute's noise set a variant's p99, always in the same order
                double[] kept = keptStream(variant.dialer(), targets.echoPort(), 20_000);
                rounds.add(name + "_kept_p50_ms", kept[0]);
                rounds.add(name + "_kept_p99_ms", kept[1]);
                for (int streams : new int[] {1, CLIENTS}) {
                    String test = "bulk" + streams;
                    Usage usage = Usage.from(variant.linkProcesses());
                    Peaks held = Peaks.held(variant.metricsPorts());
                    try {
                        rounds.add(name + "_" + test + "_gbit_s", bulk(variant.dialer(), targets.sinkPort(), streams, bulkBytes));
                    } catch (ExecutionException failed) {
                        throw new IllegalStateException(name + "'s " + test + " failed in round " + (round + 1) + ": " + failed.getCause()
                                + " (a reset stream: its agents' logs, in the bench's temporary folder, say why)", failed);
                    } finally {
                        long mostHeld = Arrays.stream(held.stop()).max().orElse(-1);
                        if (mostHeld >= 0) { // only agents are sampled
                            rounds.add(name + "_held_peak_mb_" + test, mostHeld / 1e6);
                        }
                    }
                    usage.addTo(rounds, name, test, "cpu_s_per_gb_" + test, bulkBytes / 1e9);
                }
                Usage usage = Usage.from(variant.linkProcesses());
                double[] fresh = newStreams(variant.dialer(), targets.echoPort(), CLIENTS * 100);
                usage.addTo(rounds, name, "newstream", "cpu_ms_per_newstream", CLIENTS * 100 / 1e3); // CPU-s per 1,000 = ms per stream
                rounds.add(name + "_newstream_rps", fresh[0]);
                rounds.add(name + "_newstream_p99_ms", fresh[1]);
            }
        }
        return rounds;
    }

    /**
     * This build's agents against another build's ({@code --against}), both pairs up at once on the
     * same broker and targets, in {@link #BUILD_ROUNDS} rounds whose order alternates: the machine's
     * drift over minutes, larger here than most changes, then hits both alike.
     */
    private static void compareBuilds(Gateways corvus, Gateways base, Targets targets, long bulkBytes) throws Exception {
        Map<String, String> figures = new LinkedHashMap<>();
        List<Process> all = new ArrayList<>(corvus.agents());
        all.addAll(base.agents());
        awaitIdle(all);
        for (var pair : Map.of("corvus", corvus, "base", base).entrySet()) {
            figures.put(pair.getKey() + "_rss_idle_mb_cloud", mb(rssKb(pair.getValue().cloud())));
            figures.put(pair.getKey() + "_rss_idle_mb_edge", mb(rssKb(pair.getValue().edge())));
        }
        Map<String, Variant> variants = new LinkedHashMap<>();
        variants.put("corvus", new Variant(corvus.dialer(), corvus.agents(), corvus.agents(), corvus.metricsPorts()));
        variants.put("base", new Variant(base.dialer(), base.agents(), base.agents(), base.metricsPorts()));
        Rounds rounds = measure(variants, targets, bulkBytes, BUILD_ROUNDS, true, figures);
        figures.putAll(rounds.medians());
        for (String test : List.of("bulk1", "bulk64")) {
            figures.putAll(rounds.pairedRatios("ratio_vs_base_" + test, "corvus_" + test + "_gbit_s", "base_" + test + "_gbit_s"));
            figures.putAll(rounds.pairedRatios("ratio_cpu_vs_base_" + test, "corvus_cpu_s_per_gb_" + test, "base_cpu_s_per_gb_" + test));
        }
        figures.putAll(rounds.pairedRatios("ratio_vs_base_rps", "corvus_newstream_rps", "base_newstream_rps"));
        figures.putAll(rounds.pairedRatios("ratio_cpu_vs_base_newstream", "corvus_cpu_ms_per_newstream", "base_cpu_ms_per_newstream"));
        figures.forEach((name, value) -> System.out.println(name + "=" + value));
    }

    /** A cloud and an edge gateway of one build, given their roles by topology events for their own cluster. */
    record Gateways(Process cloud, Process edge, Dialer dialer, List<Integer> metricsPorts, ClusterCa ca) {
        static Gateways start(Path build, String cluster, Path work, String bootstrap, Targets targets, List<String> extraJvm)
                throws Exception {
            ClusterCa ca = ClusterCa.create(cluster, Duration.ofDays(1));
            int[] ports = FreePorts.take(10); // in one call: one after the other could hand out the same port twice
            int[] cloudPorts = Arrays.copyOfRange(ports, 0, 5);
            int[] edgePorts = Arrays.copyOfRange(ports, 5, 10);
            Path folder = work.resolve(cluster); // its certificates and agent logs
            Process cloud = startAgent(build, folder, bootstrap, cluster, ca, "cloud-1", cloudPorts, targets, extraJvm);
            Process edge = startAgent(build, folder, bootstrap, cluster, ca, "edge-1", edgePorts, targets, extraJvm);
            try (EventPublisher publisher = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrap, "bench")),
                    EventCodec.create(), "bench")) {
                publisher.publish(new GatewayTopology(cluster, "cloud", 1, "cloud", false, true, false,
                        List.of(new GatewayTopology.Endpoint("cloud-1", GatewayTopology.EndpointType.PROXY, "127.0.0.1", null, cloudPorts[0], null)),
                        List.of(new GatewayTopology.Member("cloud-1", "127.0.0.1", List.of())), null, List.of(), Instant.now(), null)).get();
                publisher.publish(new GatewayTopology(cluster, "edge", 1, "edge", true, true, false,
                        List.of(GatewayTopology.Endpoint.proxy("edge-1", "127.0.0.1")),
                        List.of(new GatewayTopology.Member("edge-1", "127.0.0.1", List.of())), null, List.of(), Instant.now(), null)).get();
            }
            int door = cloudPorts[2];
            Gateways gateways = new Gateways(cloud, edge, port -> connectThrough(door, "edge-1:" + port),
                    List.of(cloudPorts[3], edgePorts[3]), ca); // the metrics port serves /q/metrics
            awaitLink(gateways.dialer(), targets.echoPort());
            return gateways;
        }

        List<Process> agents() {
            return List.of(cloud, edge);
        }
    }

    // ------------------------------------------------------------------ profile

    /**
     * Runs one Corvus workload three times while perf samples both agents (after the comparison's
     * warm-up), printing each run's figure and the agents' CPU seconds.
     */
    private static void profile(String workload, Dialer corvus, Targets targets, List<Process> agents, long bulkBytes, Path samples)
            throws Exception {
        Callable<String> run = switch (workload) {
            case "bulk1" -> () -> fmt(bulk(corvus, targets.sinkPort(), 1, bulkBytes)) + " Gbit/s";
            case "bulk64" -> () -> fmt(bulk(corvus, targets.sinkPort(), CLIENTS, bulkBytes)) + " Gbit/s";
            default -> () -> String.format(Locale.ROOT, "%.0f requests/s", newStreams(corvus, targets.echoPort(), CLIENTS * 100)[0]);
        };
        System.out.println("profile_warm_up_jit_compiles_per_round=" + warmUp(corvus, targets, bulkBytes, agents));
        String pids = agents.stream().map(p -> String.valueOf(p.pid())).collect(Collectors.joining(","));
        Process perf = new ProcessBuilder("perf", "record", "-q", "-F", "999", "-o", samples.toString(), "-p", pids)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(samples));
        for (int i = 1; i <= 3; i++) {
            long cpuBefore = cpuTicks(agents);
            String figure = run.call();
            System.out.println("profile_" + workload + "_run" + i + "=" + figure + ", agents " + fmt((cpuTicks(agents) - cpuBefore) / 100.0) + " CPU-s");
        }
        perf.destroy(); // SIGTERM: perf writes what it sampled and exits
        if (!perf.waitFor(30, TimeUnit.SECONDS)) {
            perf.destroyForcibly();
        }
    }

    /** The agents' samples by part (kernel, compiled Java, BoringSSL, the JVM, libc) and the hottest symbols. */
    private static void printProfile(Path samples) throws IOException, InterruptedException {
        Map<String, Double> parts = new LinkedHashMap<>();
        for (String[] row : perfReport(samples, "dso")) {
            String dso = row[1];
            String part = dso.startsWith("[kernel") ? "kernel" : dso.startsWith("[JIT]") ? "java" : dso.contains("tcnative") ? "boringssl"
                    : dso.startsWith("libjvm") ? "jvm" : dso.startsWith("libc") ? "libc" : "other";
            parts.merge(part, Double.parseDouble(row[0]), Double::sum);
        }
        parts.forEach((part, share) -> System.out.println("profile_share_" + part + "_pct=" + fmt(share)));
        List<String[]> symbols = perfReport(samples, "sym");
        for (int i = 0; i < Math.min(20, symbols.size()); i++) {
            System.out.println("profile_top" + (i + 1) + "=" + symbols.get(i)[0] + "% " + symbols.get(i)[1]);
        }
    }

    /** perf report's rows, sorted by {@code key}: [percent, name]. */
    private static List<String[]> perfReport(Path samples, String key) throws IOException, InterruptedException {
        Process report = new ProcessBuilder("perf", "report", "-i", samples.toString(), "--sort", key, "--stdio")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String[]> rows = new ArrayList<>();
        for (String line : new String(report.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
            var row = PERF_ROW.matcher(line);
            if (row.matches()) {
                rows.add(new String[] {row.group(1), row.group(2)});
            }
        }
        report.waitFor();
        return rows;
    }

    // ------------------------------------------------------------------ loads

    /**
     * Untimed, the same load for every variant and the profile, repeated for Corvus until the agents'
     * JIT has settled (a round compiles fewer than {@link #JIT_SETTLED} methods), so that the figures
     * are those of a long-running gateway, not of a JVM still compiling. Returns what each round compiled.
     */
    private static String warmUp(Dialer dialer, Targets targets, long bulkBytes, List<Process> jitted) throws Exception {
        List<String> compiledPerRound = new ArrayList<>();
        long compiled = compilations(jitted);
        while (true) {
            bulk(dialer, targets.sinkPort(), CLIENTS, bulkBytes / 2);
            newStreams(dialer, targets.echoPort(), CLIENTS * 50);
            long now = compilations(jitted);
            compiledPerRound.add(String.valueOf(now - compiled));
            if (now - compiled < JIT_SETTLED || compiledPerRound.size() == WARM_UP_ROUNDS_MAX) {
                return String.join(" ", compiledPerRound);
            }
            compiled = now;
        }
    }

    /** Methods the processes' JITs have compiled so far ({@code jstat -compiler}). */
    private static long compilations(List<Process> processes) throws IOException, InterruptedException {
        long compiled = 0;
        for (Process process : processes) {
            Process jstat = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstat").toString(), "-compiler",
                    String.valueOf(process.pid())).redirectErrorStream(true).start();
            List<String> lines = new String(jstat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            if (jstat.waitFor() != 0 || lines.size() < 2) {
                throw new IllegalStateException("jstat -compiler " + process.pid() + " said: " + String.join(" / ", lines));
            }
            compiled += Long.parseLong(lines.get(1).trim().split("\\s+")[0]);
        }
        return compiled;
    }

    /** {@code streams} connections to the sink, together {@code total} bytes; Gbit/s until the sink confirmed them all. */
    static double bulk(Dialer dialer, int sinkPort, int streams, long total) throws Exception {
        long each = total / streams;
        long started = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> sent = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                sent.add(pool.submit(() -> {
                    byte[] chunk = new byte[64 * 1024];
                    try (Socket socket = dialer.dial(sinkPort)) {
                        OutputStream out = socket.getOutputStream();
                        for (long left = each; left > 0; left -= chunk.length) {
                            out.write(chunk, 0, (int) Math.min(chunk.length, left));
                        }
                        socket.shutdownOutput();
                        long counted = new DataInputStream(socket.getInputStream()).readLong();
                        if (counted != each) {
                            throw new IOException("the sink counted " + counted + " bytes of " + each);
                        }
                        return counted;
                    }
                }));
            }
            for (Future<Long> f : sent) {
                f.get();
            }
        }
        return total * 8 / ((System.nanoTime() - started) / 1e9) / 1e9;
    }

    /** 1 KiB request and 1 KiB answer, again and again on one kept connection: p50 and p99 in ms. */
    static double[] keptStream(Dialer dialer, int echoPort, int rounds) throws IOException {
        long[] nanos = new long[rounds];
        byte[] answer = new byte[1024];
        try (Socket socket = dialer.dial(echoPort)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = -2_000; i < rounds; i++) {
                long start = System.nanoTime();
                out.write(KIB);
                out.flush();
                readFully(in, answer);
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - start;
                }
            }
        }
        return percentiles(nanos);
    }

    /** 64 clients, each opening a new connection per 1 KiB request/answer: requests per second and p99 in ms. */
    static double[] newStreams(Dialer dialer, int echoPort, int total) throws Exception {
        AtomicLong next = new AtomicLong();
        long[] nanos = new long[total];
        long started = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Void>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(pool.submit((Callable<Void>) () -> {
                    byte[] answer = new byte[1024];
                    for (long i; (i = next.getAndIncrement()) < total; ) {
                        long start = System.nanoTime();
                        try (Socket socket = dialer.dial(echoPort)) {
                            socket.setTcpNoDelay(true);
                            socket.getOutputStream().write(KIB);
                            readFully(socket.getInputStream(), answer);
                        }
                        nanos[(int) i] = System.nanoTime() - start;
                    }
                    return null;
                }));
            }
            for (Future<Void> f : clients) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new double[] {total / seconds, percentiles(nanos)[1]};
    }

    // ------------------------------------------------------------------ Corvus, ssh, processes

    /**
     * Opens a CONNECT stream and waits for its answer, read as a client with a buffer reads it: a
     * read per byte cost the load generator about 40 system calls per new stream, on the cores the
     * agents share. Nothing follows the answer until the client sends, so a read cannot take more.
     */
    static Socket connectThrough(int door, String target) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), door);
        socket.setTcpNoDelay(true);
        socket.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        byte[] buffer = new byte[256];
        while (head.indexOf("\r\n\r\n") < 0) {
            int n = in.read(buffer);
            if (n < 0) {
                socket.close();
                throw new IOException("the front door closed: " + head);
            }
            head.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
        }
        if (!head.toString().endsWith("\r\n\r\n")) {
            socket.close();
            throw new IOException("bytes behind the front door's answer before the client sent any: " + head);
        }
        if (!head.toString().startsWith("HTTP/1.1 200")) {
            socket.close();
            throw new IOException("the front door answered " + head.toString().lines().findFirst().orElse(""));
        }
        return socket;
    }

    private static void awaitLink(Dialer corvus, int echoPort) {
        await("the Corvus link (see the agent logs in the bench's temp folder)").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                    try (Socket socket = corvus.dial(echoPort)) {
                        return true;
                    }
                });
    }

    /**
     * One agent of the build checked out at {@code build} (its agent.jar, or an older build's
     * quarkus-run.jar, and its jvm.options unless CORVUS_AGENT_JVM says).
     */
    static Process startAgent(Path build, Path work, String bootstrap, String cluster, ClusterCa ca, String node, int[] ports,
            Targets targets, List<String> extraJvm) throws IOException {
        NodeCredentials.PemFiles tls = ca.issue(node, List.of("127.0.0.1"), Duration.ofDays(1)).writeTo(work.resolve("pki"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        List<String> jvm = agentJvmOptions(build);
        command.addAll(jvm);
        Path aotCache = build.resolve("agent/target/agent.aot");
        if (Files.exists(aotCache) && jvm.stream().noneMatch(option -> option.startsWith("-XX:AOTCache"))) { // as the launcher runs it
            command.add("-XX:AOTCache=" + aotCache);
        }
        command.addAll(extraJvm);
        Path jar = agentJar(build);
        // each build refuses the other's names for these ports (Quarkus checks every name under corvus.agent)
        boolean quarkus = jar.endsWith("quarkus-run.jar");
        String metricsPort = quarkus ? "-Dquarkus.management.port=" : "-Dcorvus.agent.metrics-port=";
        String healthPort = quarkus ? "-Dquarkus.http.port=" : "-Dcorvus.agent.health-port=";
        command.addAll(List.of("-Dkafka.bootstrap.servers=" + bootstrap, "-Dcorvus.agent.cluster-id=" + cluster,
                "-Dcorvus.agent.node-name=" + node, "-Dcorvus.agent.proxy.bind-address=127.0.0.1",
                "-Dcorvus.agent.proxy.link-port=" + ports[0], "-Dcorvus.agent.proxy.https-port=" + ports[1],
                "-Dcorvus.agent.proxy.http-port=" + ports[2], metricsPort + ports[3], healthPort + ports[4],
                "-Dcorvus.agent.proxy.certificate=" + tls.certificate(), "-Dcorvus.agent.proxy.key=" + tls.key(),
                "-Dcorvus.agent.proxy.ca=" + tls.ca(), "-Dcorvus.agent.proxy.dial=endpoints",
                "-Dcorvus.agent.proxy.allowed-ports=" + targets.sinkPort() + "," + targets.echoPort(),
                "-jar", jar.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve(node + ".log").toFile()).start();
    }

    /** The build's agent: a plain jar since the agent left Quarkus, its quarkus-run.jar before. */
    static Path agentJar(Path build) {
        Path plain = build.resolve("agent/target/agent.jar");
        return Files.exists(plain) ? plain : build.resolve("agent/target/quarkus-app/quarkus-run.jar");
    }

    /** CORVUS_AGENT_JVM, else the build's agent/jvm.options. */
    static List<String> agentJvmOptions(Path build) {
        return List.of(System.getenv().getOrDefault("CORVUS_AGENT_JVM", "@" + build.resolve("agent/jvm.options")).trim().split("\\s+"));
    }

    static void stop(List<Process> agents) throws InterruptedException {
        agents.forEach(Process::destroy);
        for (Process agent : agents) {
            if (!agent.waitFor(20, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
            }
        }
    }

    private static String ssh(Path root, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("bench/ssh-peer.sh").toString()));
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("bench/ssh-peer.sh " + String.join(" ", args) + " failed");
        }
        return out;
    }

    /** The ssh client and the sshd session processes that carry the links. */
    private static List<Long> sshPids(List<String> states) throws IOException {
        List<Long> pids = new ArrayList<>();
        for (String state : states) {
            long client = Long.parseLong(Files.readString(Path.of(state, "ssh.pid")).strip());
            long daemon = Long.parseLong(Files.readString(Path.of(state, "sshd.pid")).strip());
            pids.add(client);
            ProcessHandle.of(daemon).ifPresent(d -> d.descendants().forEach(child -> pids.add(child.pid())));
        }
        return pids;
    }

    private static long cpuTicks(List<?> processes) throws IOException {
        long ticks = 0;
        for (Object p : processes) {
            long pid = p instanceof Process process ? process.pid() : (Long) p;
            String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceAll(".*\\) ", "").split(" ");
            ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]); // utime, stime (fields 14, 15)
        }
        return ticks;
    }

    /**
     * The link's processes' CPU and the whole machine's busy share over one test. A busy share well
     * below 100 % means the test was not CPU-bound (waiting on windows or wake-ups); steal means the
     * VM's host took cores away, which makes that round's figures noise.
     */
    private record Usage(long processTicks, long[] machine, List<?> processes) {
        static Usage from(List<?> processes) throws IOException {
            return new Usage(cpuTicks(processes), machineTicks(), processes);
        }

        /** Adds {name}_{cpuFigure}: the processes' CPU seconds per unit (none for raw), and the machine's busy and steal shares. */
        void addTo(Rounds rounds, String name, String test, String cpuFigure, double units) throws IOException {
            long[] now = machineTicks();
            double total = now[2] - machine[2];
            if (!processes.isEmpty()) {
                rounds.add(name + "_" + cpuFigure, (cpuTicks(processes) - processTicks) / 100.0 / units);
            }
            rounds.add(name + "_machine_busy_pct_" + test, 100 * (now[0] - machine[0]) / total);
            rounds.add(name + "_machine_steal_pct_" + test, 100 * (now[1] - machine[1]) / total);
        }

        /** All CPUs' busy (including steal), steal and total ticks so far, from /proc/stat. */
        private static long[] machineTicks() throws IOException {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < cpu.length; i++) {
                total += Long.parseLong(cpu[i]);
            }
            long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]); // idle, iowait
            return new long[] {total - idle, Long.parseLong(cpu[8]), total};
        }
    }

    /**
     * Each figure once per round, the variants taking turns within a round, so that a slower minute on
     * this shared machine hits all of them alike. Reports medians and, for the ratios, the median of
     * the per-round ratios (each from two tests run back to back), with every round's value.
     */
    private static final class Rounds {
        private final Map<String, List<Double>> values = new LinkedHashMap<>();

        void add(String name, double value) {
            values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }

        Map<String, String> medians() {
            Map<String, String> figures = new LinkedHashMap<>();
            values.forEach((name, list) -> {
                DoubleFunction<String> format = name.endsWith("_rps") || name.contains("_pct_")
                        ? value -> String.format(Locale.ROOT, "%.0f", value) : ProxyBench::fmt;
                figures.put(name, format.apply(median(list)));
                if (name.endsWith("_gbit_s") || name.endsWith("_rps") || name.endsWith("_kept_p99_ms")) {
                    figures.put(name + "_rounds", list.stream().map(format::apply).collect(Collectors.joining(" ")));
                }
            });
            return figures;
        }

        Map<String, String> pairedRatios(String name, String numerator, String denominator) {
            List<Double> top = values.get(numerator);
            List<Double> bottom = values.get(denominator);
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < top.size(); i++) {
                ratios.add(top.get(i) / bottom.get(i));
            }
            Map<String, String> figures = new LinkedHashMap<>();
            figures.put(name, fmt(median(ratios)));
            figures.put(name + "_rounds", ratios.stream().map(ProxyBench::fmt).collect(Collectors.joining(" ")));
            return figures;
        }

        private static double median(List<Double> list) {
            List<Double> sorted = list.stream().sorted().toList();
            int middle = sorted.size() / 2;
            return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
        }
    }

    /**
     * Until the agents are idle: each pair of them used at most 5 CPU ticks (50 ms) in a second,
     * their heartbeats and little else. The start-up, a load's tail, heap shrinking and native-memory
     * trimming are over by then.
     */
    private static void awaitIdle(List<Process> agents) {
        await("the agents to go idle").pollDelay(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(1)).atMost(Duration.ofMinutes(1))
                .until(Steady.within(5 * agents.size() / 2, () -> {
                    try {
                        return cpuTicks(agents);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
    }

    static long rssKb(Process process) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    /** A reading the bench takes again and again: a process's RSS, an agent's gauge. */
    @FunctionalInterface
    private interface Reading {
        long read() throws IOException;
    }

    /**
     * The highest value each reading reached while a load ran, read every {@code every} on a timer
     * thread until stopped. A reading that fails (its process went away, its agent did not answer)
     * keeps the peak seen. None to take, no timer runs.
     */
    private static final class Peaks {
        private final List<Reading> readings;
        private final long[] peak;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        Peaks(List<Reading> readings, Duration every) {
            this.readings = readings;
            this.peak = new long[readings.size()];
            if (!readings.isEmpty()) {
                timer.scheduleWithFixedDelay(this::sample, 0, every.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        /** The agents' RSS in KiB, every 100 ms. */
        static Peaks rss(List<Process> agents) {
            return new Peaks(agents.stream().<Reading>map(agent -> () -> rssKb(agent)).toList(), Duration.ofMillis(100));
        }

        /**
         * What each agent held received and not yet taken by a socket's kernel (the receive budget's
         * count), from its metrics every 50 ms: how close a test came to the 12 MiB past which a
         * link resets its biggest holders. A change that moves bytes from the kernels into the
         * agents shows here before it resets a stream. Sampled, so a short burst may be missed;
         * scraping costs the agents a little CPU, alike for both builds of {@code --against}.
         */
        static Peaks held(List<Integer> metricsPorts) {
            return new Peaks(metricsPorts.stream().<Reading>map(port -> () -> heldReceived(port)).toList(), Duration.ofMillis(50));
        }

        private void sample() {
            for (int i = 0; i < readings.size(); i++) {
                try {
                    peak[i] = Math.max(peak[i], readings.get(i).read());
                } catch (IOException missed) {
                    // keep the peak seen
                }
            }
        }

        long[] stop() throws InterruptedException {
            timer.shutdown();
            timer.awaitTermination(5, TimeUnit.SECONDS); // its last sample is visible after termination
            return peak.clone();
        }
    }

    /** Builds before the gauge's rename (2026-11-27) call it held_unread; {@code --against} may run one. */
    private static final Pattern HELD_RECEIVED = Pattern.compile("(?m)^corvus_proxy_held_(?:received|unread)_bytes(?:\\{[^}]*})? ([0-9.eE+]+)$");

    /** An agent's {@code corvus_proxy_held_received_bytes}, from the metrics on its management port. */
    static long heldReceived(int metricsPort) throws IOException {
        try (InputStream metrics = URI.create("http://127.0.0.1:" + metricsPort + "/q/metrics").toURL().openStream()) {
            var held = HELD_RECEIVED.matcher(new String(metrics.readAllBytes(), StandardCharsets.UTF_8));
            if (!held.find()) {
                throw new IOException("no corvus_proxy_held_received_bytes in the metrics on port " + metricsPort);
            }
            return (long) Double.parseDouble(held.group(1));
        }
    }

    // ------------------------------------------------------------------ targets and helpers

    /** A sink (counts what it gets, answers the count) and an echo, behind the edge. */
    static final class Targets implements AutoCloseable {
        private final ServerSocket sink = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        private final ServerSocket echo = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());

        Targets() throws IOException {
            serve(sink, socket -> {
                byte[] buffer = new byte[64 * 1024];
                long count = 0;
                InputStream in = socket.getInputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    count += n;
                }
                new DataOutputStream(socket.getOutputStream()).writeLong(count);
            });
            serve(echo, socket -> {
                socket.setTcpNoDelay(true);
                byte[] buffer = new byte[16 * 1024];
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                }
            });
        }

        int sinkPort() {
            return sink.getLocalPort();
        }

        int echoPort() {
            return echo.getLocalPort();
        }

        interface Handler {
            void handle(Socket socket) throws IOException;
        }

        private static void serve(ServerSocket server, Handler handler) {
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        Thread.ofVirtual().start(() -> {
                            try (socket) {
                                handler.handle(socket);
                            } catch (IOException ignored) {
                                // the client went away
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        @Override
        public void close() throws IOException {
            sink.close();
            echo.close();
        }
    }

    private static void readFully(InputStream in, byte[] into) throws IOException {
        for (int read = 0; read < into.length; ) {
            int n = in.read(into, read, into.length - read);
            if (n < 0) {
                throw new IOException("closed after " + read + " of " + into.length + " bytes");
            }
            read += n;
        }
    }

    private static double[] percentiles(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new double[] {sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6};
    }

    static String mb(long kb) {
        return String.format(Locale.ROOT, "%.1f", kb / 1024.0);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
