package io.corvus.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.corvus.events.Topic;
import io.corvus.events.kafka.TopicSnapshot;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.ProvisioningStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * A soak of the local stack: configuration writes, the edge gateway's agent killed and started
 * again, and streams held open through the proxy all along. Each minute every process that runs
 * throughout (broker, services, cloud agent) is sampled: file descriptors, threads, heap after a
 * full GC, RSS. Afterwards every acknowledged revision must be on the configuration topic, and
 * each must have led to a topology (its whitelist marker) and a provisioning outcome. Prints
 * name=value lines and the samples; exits 1 when anything was lost or a process kept growing.
 */
@Command(name = "bench-soak", mixinStandardHelpOptions = true,
        description = "Soaks the local stack (writes, gateway kills, held streams) and samples every process each minute "
                + "(prints name=value lines; exit 1 on a loss or a leak).")
final class BenchSoakCommand implements Callable<Integer> {

    private static final Pattern HEAP_USED = Pattern.compile("(?m)^\\s*(?:garbage-first heap|DefNew|Tenured)\\b.*?, used (\\d+)K");
    private static final Set<ProvisioningStep.Step> OUTCOMES = Set.of(ProvisioningStep.Step.READY, ProvisioningStep.Step.DEGRADED,
            ProvisioningStep.Step.FAILED);

    @ParentCommand
    CorvusCommand corvus;

    @Option(names = "--duration", defaultValue = "PT10M", description = "How long the soak runs (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--streams", defaultValue = "100", description = "Streams held open through the proxy (default: ${DEFAULT-VALUE}).")
    int streams;

    @Option(names = "--write-every", defaultValue = "PT3S", description = "Pause between configuration writes (default: ${DEFAULT-VALUE}).")
    Duration writeEvery;

    @Option(names = "--kill-every", defaultValue = "PT2M", description = "Pause between gateway kills (default: ${DEFAULT-VALUE}).")
    Duration killEvery;

    /** One process's sample: open files, threads, heap used after a full GC, resident memory. */
    private record Sample(int fds, int threads, long heapAfterGcKb, long rssKb) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "fds %d, threads %d, heap %d MB, rss %d MB", fds, threads, heapAfterGcKb / 1024, rssKb / 1024);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path runFolder = corvus.layout().freshRunFolder("bench-soak");
        LocalInventory inventory = LocalInventory.read(corvus.layout().inventory());
        String clusterId = inventory.clusterId();
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        try (LocalStack stack = new LocalStack(corvus.layout(), runFolder, quiet); DemoKubelet kubelet = DemoKubelet.start();
                EventWatcher watcher = startWatching(stack, inventory, kubelet, out)) {
            ConfigApi api = new ConfigApi(stack.address("config-service"), stack.tokens().admin());
            String cloudGateway = DemoCommand.electedGateway(watcher.seen(), clusterId, "cloud").orElseThrow();
            int door = stack.agentPorts(cloudGateway).http();
            // the pool's members do not change during the soak: the streams' target is chosen once
            String target = DemoCommand.edgeNodes(watcher.seen(), clusterId).getFirst() + ":" + kubelet.port();
            List<String> watched = Stream.concat(Stream.of("kafka", "config-service", "gateway-elector", "cloud-provisioner"),
                    Stream.of("agent-" + cloudGateway)).toList();
            Map<String, List<Sample>> samples = new LinkedHashMap<>();
            Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger kills = new AtomicInteger();
            AtomicInteger reopened = new AtomicInteger();
            List<HeldStream> held = new ArrayList<>();
            Instant end = Instant.now().plus(duration);
            Instant nextWrite = Instant.now();
            Instant nextKill = Instant.now().plus(killEvery);
            Instant nextSample = Instant.now();
            String etag = api.get(clusterId).etag();
            int minute = 0;
            try {
                while (Instant.now().isBefore(end)) {
                    Instant now = Instant.now();
                    if (!now.isBefore(nextSample)) {
                        out.printf(Locale.ROOT, "# minute %d%n", minute++);
                        for (String name : watched) {
                            Sample sample = sample(stack.pid(name));
                            samples.computeIfAbsent(name, n -> new ArrayList<>()).add(sample);
                            out.println("#   " + name + ": " + sample);
                        }
                        nextSample = now.plusSeconds(60);
                    }
                    if (!now.isBefore(nextWrite)) {
                        etag = write(api, clusterId, etag, acknowledged);
                        nextWrite = now.plus(writeEvery);
                    }
                    if (!now.isBefore(nextKill)) {
                        String gateway = DemoCommand.electedEdgeGateway(watcher.seen(), clusterId).orElseThrow();
                        stack.kill("agent-" + gateway);
                        kills.incrementAndGet();
                        stack.restart("agent-" + gateway);
                        nextKill = Instant.now().plus(killEvery);
                    }
                    keepStreamsOpen(held, door, target, reopened);
                    TimeUnit.MILLISECONDS.sleep(500); // the soak's pace
                }
            } finally {
                held.forEach(HeldStream::close);
            }
            return report(out, stack, clusterId, acknowledged, samples, kills.get(), reopened.get());
        }
    }

    private EventWatcher startWatching(LocalStack stack, LocalInventory inventory, DemoKubelet kubelet, PrintStream out) throws Exception {
        out.println("# starting a fresh stack");
        stack.start(LocalStack.Ports.free(), inventory, Set.of(kubelet.port()));
        ConfigApi api = new ConfigApi(stack.address("config-service"), stack.tokens().admin());
        api.put(inventory.clusterId(), DemoCommand.LOCAL_PROXY_CONFIG, null);
        EventWatcher watcher = EventWatcher.fromBeginning(stack.connection(), new PrintStream(PrintStream.nullOutputStream())).start();
        if (!DemoCommand.awaitLinkUp(watcher, inventory.clusterId(), out)) {
            watcher.close();
            throw new IllegalStateException("the proxy link never came up");
        }
        return watcher;
    }

    /** A whitelist with an entry that names the next revision, so its topology can be recognised. */
    private static String write(ConfigApi api, String clusterId, String etag, Set<Long> acknowledged) throws IOException, InterruptedException {
        long next = Long.parseLong(etag.replace("\"", "")) + 1;
        ConfigApi.Reply reply = api.patch(clusterId, "{\"accessControlList\": \"" + DemoCommand.LOCAL_ACL + "," + marker(next) + "\"}", etag);
        if (reply.status() / 100 == 2) {
            acknowledged.add(Long.parseLong(reply.etag().replace("\"", "")));
            return reply.etag();
        }
        return api.get(clusterId).etag();
    }

    private static String marker(long revision) {
        return "10." + (revision / 256 % 256) + "." + (revision % 256) + ".0/24";
    }

    /** Keeps the streams open: checks each with a request and opens again what the last kill closed. */
    private void keepStreamsOpen(List<HeldStream> held, int door, String target, AtomicInteger reopened) {
        held.removeIf(stream -> !stream.answers());
        while (held.size() < streams) {
            try {
                held.add(HeldStream.open(door, target));
                reopened.incrementAndGet();
            } catch (IOException notNow) {
                return; // the link is down for a moment (a kill): next turn
            }
        }
    }

    private int report(PrintStream out, LocalStack stack, String clusterId, Set<Long> acknowledged, Map<String, List<Sample>> samples,
            int kills, int opened) {
        Set<Long> onTopic = TopicSnapshot.read(stack.connection(), Topic.CONFIG, clusterId).stream()
                .filter(e -> e.event() instanceof ConfigChanged c && c.clusterId().equals(clusterId))
                .map(e -> ((ConfigChanged) e.event()).revision()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> inTopologies = TopicSnapshot.read(stack.connection(), Topic.TOPOLOGY, clusterId + "/").stream()
                .filter(e -> e.event() instanceof GatewayTopology).flatMap(e -> ((GatewayTopology) e.event()).accessControlList().stream())
                .collect(Collectors.toSet());
        Set<Long> provisioned = TopicSnapshot.read(stack.connection(), Topic.PROVISIONING, clusterId).stream()
                .filter(e -> e.event() instanceof ProvisioningStep p && p.clusterId().equals(clusterId) && OUTCOMES.contains(p.step()))
                .map(e -> ((ProvisioningStep) e.event()).configRevision()).collect(Collectors.toSet());
        long lost = acknowledged.stream().filter(r -> !onTopic.contains(r)).count();
        long withoutTopology = acknowledged.stream().filter(r -> !inTopologies.contains(marker(r))).count();
        long withoutOutcome = acknowledged.stream().filter(r -> !provisioned.contains(r)).count();
        out.printf(Locale.ROOT, "duration_s=%d%nstreams_held=%d%nstreams_opened=%d%ngateway_kills=%d%nwrites_acknowledged=%d%n"
                + "acknowledged_lost=%d%nrevisions_without_topology=%d%nrevisions_without_provisioning_outcome=%d%n", duration.toSeconds(),
                streams, opened, kills, acknowledged.size(), lost, withoutTopology, withoutOutcome);
        boolean flat = true;
        for (Map.Entry<String, List<Sample>> process : samples.entrySet()) {
            List<Sample> after = process.getValue().subList(Math.min(2, process.getValue().size() - 1), process.getValue().size());
            Sample first = after.getFirst();
            Sample last = after.getLast();
            int fds = after.stream().mapToInt(Sample::fds).max().orElse(0) - first.fds();
            int threads = after.stream().mapToInt(Sample::threads).max().orElse(0) - first.threads();
            long heapMb = (last.heapAfterGcKb() - first.heapAfterGcKb()) / 1024;
            long rssMb = (last.rssKb() - first.rssKb()) / 1024;
            String name = process.getKey().replace('-', '_');
            out.printf(Locale.ROOT, "%s_growth_after_warmup=fds %+d, threads %+d, heap %+d MB, rss %+d MB%n", name, fds, threads, heapMb,
                    rssMb);
            flat &= fds <= 20 && threads <= 10 && heapMb <= 32;
        }
        out.println("flat_after_warmup=" + flat);
        return lost == 0 && withoutTopology == 0 && withoutOutcome == 0 && flat ? 0 : 1;
    }

    /** Open files, threads and RSS from /proc; the heap after a full GC from jcmd (the JDK's own tool). */
    private static Sample sample(long pid) throws IOException, InterruptedException {
        int fds;
        try (Stream<Path> open = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = (int) open.count();
        }
        Map<String, String> status = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.contains(":"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1).strip(), (a, b) -> a));
        jcmd(pid, "GC.run");
        // the heap's generations as G1 ("garbage-first heap   total reserved …, committed …, used …K") and Serial
        // ("DefNew", "Tenured": "total …K, used …K") print them
        Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        long heapKb = 0;
        while (used.find()) {
            heapKb += Long.parseLong(used.group(1));
        }
        return new Sample(fds, Integer.parseInt(status.get("Threads")), heapKb, Long.parseLong(status.get("VmRSS").replace(" kB", "")));
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }

    /** A CONNECT stream through the cloud gateway's door to an edge node's kubelet, kept alive with requests. */
    private record HeldStream(Socket socket, BufferedReader reader, String target) {

        static HeldStream open(int door, String target) throws IOException {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), door);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            HeldStream stream = new HeldStream(socket, reader, target);
            if (!stream.readHead().startsWith("HTTP/1.1 200")) {
                stream.close();
                throw new IOException("CONNECT " + target + " refused");
            }
            return stream;
        }

        /** One request through the stream; false (and closed) when the stream is gone. */
        boolean answers() {
            try {
                socket.getOutputStream().write(("GET /pods HTTP/1.1\r\nHost: " + target + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String head = readHead();
                int length = head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                        .map(l -> Integer.parseInt(l.substring(15).strip())).findFirst().orElse(0);
                reader.skip(length);
                return head.startsWith("HTTP/1.1 200");
            } catch (IOException | RuntimeException gone) {
                close();
                return false;
            }
        }

        /** The status line and headers, up to the empty line. */
        private String readHead() throws IOException {
            StringBuilder head = new StringBuilder();
            for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
                head.append(line).append('\n');
            }
            return head.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing what is already gone
            }
        }
    }
}
