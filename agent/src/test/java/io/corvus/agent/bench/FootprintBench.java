package io.corvus.agent.bench;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.corvus.agent.Steady;
import io.corvus.agent.boot.AgentConfig;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.TopicBootstrap;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.kafka.broker.FreePorts;
import io.corvus.kafka.broker.KraftBroker;
import io.corvus.testing.BenchLogging;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What an agent costs a node (bench/footprint.sh): a cloud gateway, an edge gateway and a member of
 * the edge pool with no gateway role, real agent processes on a real broker. Prints, as name=value
 * lines: the member's time from process start to its first heartbeat; each agent's RSS and PSS
 * once their RSS stopped moving and again after {@code --idle-minutes}, and its loaded classes;
 * the gateways' RSS with 1,000 open streams (each carried one 1 KiB echo, then held open); once the edge gateway's role
 * moved to the member, what the old gateway keeps (before and after a full GC; by default its agent restarts in
 * place once the role has been gone for the grace, and the wait and the gap in its heartbeats are printed too) and
 * the new one takes.
 * Beside them the floor ({@link KafkaOnlyAgent}: the agent's Kafka path alone) with the same JVM
 * options, started as is and from an AOT cache a training run wrote. Agent JVM options as in
 * bench/proxy.sh: CORVUS_AGENT_JVM="..." (default: the agent's jvm.options).
 */
public final class FootprintBench {

    private static final int STREAMS = 1000;
    private static final EventCodec CODEC = EventCodec.create();
    /** Settled: the agents' RSS together moved by at most this between two readings 2 s apart. */
    private static final long STEADY_KB = 1024;
    /** The agents' setting corvus.agent.restart-when-gateway-role-goes, read as they read it from the environment this bench passes on. */
    private static final boolean RESTARTS_WHEN_ROLE_GOES = AgentConfig.read(Map.of("corvus.agent.cluster-id", "bench",
            "corvus.agent.node-name", "edge-1"), System.getenv()).settings().restartWhenGatewayRoleGoes();

    private FootprintBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchLogging.warningsOnly();
        List<String> arguments = Arrays.asList(args);
        int idleMinutes = arguments.stream().filter(a -> a.startsWith("--idle-minutes=")).findFirst()
                .map(a -> Integer.parseInt(a.substring("--idle-minutes=".length()))).orElse(1);
        Path root = Path.of("").toAbsolutePath();
        Path work = Files.createTempDirectory("corvus-footprint-bench");
        Map<String, String> figures = new LinkedHashMap<>();
        List<Process> agents = new ArrayList<>();
        KraftBroker broker = KraftBroker.start(work.resolve("kafka"), 0);
        try (ProxyBench.Targets targets = new ProxyBench.Targets()) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                new TopicBootstrap(admin).ensureTopics();
            }
            ProxyBench.Gateways gateways = ProxyBench.Gateways.start(root, "bench", work, bootstrap, targets, List.of());
            agents.addAll(gateways.agents());
            KafkaConsumer<String, byte[]> heartbeats = heartbeatsFromNow(bootstrap);
            Process member = ProxyBench.startAgent(root, work.resolve("bench"), bootstrap, "bench", gateways.ca(),
                    "edge-2", FreePorts.take(5), targets, List.of());
            agents.add(member);
            figures.put("startup_first_heartbeat_ms_nongateway", String.valueOf(startupMillis(member, heartbeats, "edge-2")));
            List<Process> floors = startFloors(root, work, bootstrap, heartbeats, figures);
            agents.addAll(floors);
            publishEdgePool(bootstrap, 2, "edge-1");
            awaitSteadyRss(agents);
            idle(figures, "", gateways, member);
            floorIdle(figures, floors);
            // the measured span itself ("after an hour of heartbeats"), not a wait for something to happen
            Thread.sleep(Duration.ofMinutes(idleMinutes).toMillis());
            idle(figures, "_after_" + idleMinutes + "min", gateways, member);
            figures.put("classes_loaded_nongateway", String.valueOf(classesLoaded(member)));
            figures.put("classes_loaded_gateway_edge", String.valueOf(classesLoaded(gateways.edge())));

            List<Socket> streams = new ArrayList<>();
            try {
                byte[] request = new byte[1024];
                for (int i = 0; i < STREAMS; i++) {
                    Socket stream = gateways.dialer().dial(targets.echoPort());
                    streams.add(stream);
                    OutputStream out = stream.getOutputStream();
                    out.write(request);
                    out.flush();
                    InputStream in = stream.getInputStream();
                    if (in.readNBytes(1024).length != 1024) {
                        throw new IOException("stream " + i + " closed before its echo");
                    }
                }
                figures.put("rss_" + STREAMS + "_streams_mb_cloud", ProxyBench.mb(ProxyBench.rssKb(gateways.cloud())));
                figures.put("rss_" + STREAMS + "_streams_mb_edge", ProxyBench.mb(ProxyBench.rssKb(gateways.edge())));
                figures.put("rss_1000_streams_mb", ProxyBench.mb(Math.max(ProxyBench.rssKb(gateways.cloud()), ProxyBench.rssKb(gateways.edge()))));
            } finally {
                for (Socket stream : streams) {
                    stream.close();
                }
            }
            // the role goes: edge-2 becomes the pool's gateway; what edge-1 keeps once it is a member again
            Instant moved = Instant.now();
            publishEdgePool(bootstrap, 3, "edge-2");
            if (RESTARTS_WHEN_ROLE_GOES) { // once the grace is over, edge-1 stops, saying so, and starts afresh in the same process
                Instant stopped = firstHeartbeat(heartbeats, "bench/edge-1", gateways.edge(), AgentHeartbeat::stopping);
                figures.put("role_gone_to_restart_ms", String.valueOf(Duration.between(moved, stopped).toMillis()));
                Instant back = firstHeartbeat(heartbeats, "bench/edge-1", gateways.edge(), heartbeat -> !heartbeat.stopping());
                figures.put("role_gone_restart_heartbeat_gap_ms", String.valueOf(Duration.between(stopped, back).toMillis()));
            } else {
                firstHeartbeat(heartbeats, "bench/edge-1", gateways.edge(), heartbeat -> heartbeat.roles().isEmpty());
            }
            awaitSteadyRss(agents);
            figures.put("rss_mb_after_gateway_role_gone", ProxyBench.mb(ProxyBench.rssKb(gateways.edge())));
            figures.put("rss_mb_new_gateway", ProxyBench.mb(ProxyBench.rssKb(member)));
            // how much of what the old gateway keeps is garbage its heap has not given back, not live objects or classes
            jcmd(gateways.edge(), "GC.run");
            awaitSteadyRss(agents);
            figures.put("rss_mb_after_gateway_role_gone_full_gc", ProxyBench.mb(ProxyBench.rssKb(gateways.edge())));
            heartbeats.close();
            figures.put("agent_jvm", System.getenv().getOrDefault("CORVUS_AGENT_JVM", "@agent/jvm.options"));
            figures.forEach((name, value) -> System.out.println(name + "=" + value));
        } finally {
            ProxyBench.stop(agents);
            broker.close();
        }
        System.exit(0);
    }

    /**
     * The floor ({@link KafkaOnlyAgent}) with the agents' JVM options, and again with an ahead-of-time
     * cache of JDK 25 that a first run of it wrote (a training run, stopped once it has sent heartbeats).
     */
    private static List<Process> startFloors(Path root, Path work, String bootstrap, KafkaConsumer<String, byte[]> heartbeats,
            Map<String, String> figures) throws Exception {
        List<String> classpath = floorClasspath(work);
        Process plain = startFloor(root, classpath, bootstrap, "floor-plain", List.of(), work);
        figures.put("startup_first_heartbeat_ms_kafka_only", String.valueOf(startupMillis(plain, heartbeats, "floor-plain")));
        Path cache = work.resolve("floor.aot");
        Process training = startFloor(root, classpath, bootstrap, "floor-training", List.of("-XX:AOTCacheOutput=" + cache), work);
        firstHeartbeat(heartbeats, "bench/floor-training", training, heartbeat -> true);
        firstHeartbeat(heartbeats, "bench/floor-training", training, heartbeat -> true); // and its second, a second later
        training.destroy(); // the cache is written as the JVM exits
        if (!training.waitFor(2, TimeUnit.MINUTES) || !Files.exists(cache)) {
            throw new IllegalStateException("the training run wrote no AOT cache; see " + work.resolve("floor-training.log"));
        }
        Process cached = startFloor(root, classpath, bootstrap, "floor-aot", List.of("-XX:AOTCache=" + cache), work);
        figures.put("startup_first_heartbeat_ms_kafka_only_aot", String.valueOf(startupMillis(cached, heartbeats, "floor-aot")));
        return List.of(plain, cached);
    }

    private static void floorIdle(Map<String, String> figures, List<Process> floors) throws Exception {
        figures.put("rss_idle_mb_kafka_only", ProxyBench.mb(ProxyBench.rssKb(floors.get(0))));
        figures.put("rss_idle_mb_kafka_only_aot", ProxyBench.mb(ProxyBench.rssKb(floors.get(1))));
        figures.put("classes_loaded_kafka_only", String.valueOf(classesLoaded(floors.get(0))));
    }

    /** From the process's start (as the OS saw it) to the broker's time of its first heartbeat. */
    private static long startupMillis(Process process, KafkaConsumer<String, byte[]> heartbeats, String node) {
        Instant started = process.info().startInstant().orElseThrow();
        return Duration.between(started, firstHeartbeat(heartbeats, "bench/" + node, process, heartbeat -> true)).toMillis();
    }

    private static Process startFloor(Path root, List<String> classpath, String bootstrap, String node, List<String> extraJvm, Path work)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // the floor takes its own AOT cache flags: an agent's (CORVUS_AGENT_JVM="... -XX:AOTCache=...") would clash with them
        command.addAll(ProxyBench.agentJvmOptions(root).stream().filter(option -> !option.startsWith("-XX:AOTCache")).toList());
        command.addAll(extraJvm);
        command.addAll(List.of("-cp", String.join(File.pathSeparator, classpath), KafkaOnlyAgent.class.getName(), bootstrap,
                "bench", node));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve(node + ".log").toFile()).start();
    }

    /**
     * The event schema module's runtime class path (bench/footprint.sh passes it) and this bench's
     * classes, folders packed into jars: an AOT cache takes jars only.
     */
    private static List<String> floorClasspath(Path work) throws IOException, InterruptedException {
        String given = System.getProperty("corvus.bench.floor-classpath");
        if (given == null) {
            throw new IllegalStateException("run this bench through bench/footprint.sh: it passes the floor's class path");
        }
        List<String> classpath = new ArrayList<>();
        Path benchClasses = Path.of(KafkaOnlyAgent.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        for (String entry : (benchClasses + File.pathSeparator + given).split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                Path jar = work.resolve("floor-" + classpath.size() + ".jar");
                jdkTool("jar", "cf", jar.toString(), "-C", path.toString(), ".");
                classpath.add(jar.toString());
            } else if (Files.exists(path)) {
                classpath.add(entry);
            }
        }
        return classpath;
    }

    /** Until start-up's (or the role change's) class loading, JIT and heap growth are over: the RSS stopped moving. */
    private static void awaitSteadyRss(List<Process> agents) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(Steady.within(STEADY_KB, () -> {
            long total = 0;
            for (Process agent : agents) {
                try {
                    total += ProxyBench.rssKb(agent);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return total;
        }));
    }

    private static void idle(Map<String, String> figures, String suffix, ProxyBench.Gateways gateways, Process member) throws IOException {
        figures.put("rss_idle_mb_nongateway" + suffix, ProxyBench.mb(ProxyBench.rssKb(member)));
        figures.put("pss_idle_mb_nongateway" + suffix, ProxyBench.mb(pssKb(member)));
        figures.put("rss_idle_mb_gateway_cloud" + suffix, ProxyBench.mb(ProxyBench.rssKb(gateways.cloud())));
        figures.put("rss_idle_mb_gateway_edge" + suffix, ProxyBench.mb(ProxyBench.rssKb(gateways.edge())));
        figures.put("pss_idle_mb_gateway_edge" + suffix, ProxyBench.mb(pssKb(gateways.edge())));
        figures.put("rss_idle_mb_gateway" + suffix, ProxyBench.mb(Math.max(ProxyBench.rssKb(gateways.cloud()), ProxyBench.rssKb(gateways.edge()))));
    }

    /** The edge pool with both nodes as members and {@code gateway} its proxy endpoint. */
    private static void publishEdgePool(String bootstrap, long generation, String gateway) throws Exception {
        try (EventPublisher publisher = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrap, "footprint")),
                EventCodec.create(), "footprint")) {
            publisher.publish(new GatewayTopology("bench", "edge", generation, "edge", true, true, false,
                    List.of(GatewayTopology.Endpoint.proxy(gateway, "127.0.0.1")),
                    List.of(new GatewayTopology.Member("edge-1", "127.0.0.1", List.of()), new GatewayTopology.Member("edge-2", "127.0.0.1", List.of())),
                    null, List.of(), Instant.now(), null)).get();
        }
    }

    private static KafkaConsumer<String, byte[]> heartbeatsFromNow(String bootstrap) {
        Properties settings = new Properties();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topic.AGENT_STATUS.topicName()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolves "the end" now, before the agent starts
        return consumer;
    }

    /** When the broker took the node's first heartbeat that {@code matches} (its log-append or create time). */
    private static Instant firstHeartbeat(KafkaConsumer<String, byte[]> heartbeats, String key, Process agent,
            Predicate<AgentHeartbeat> matches) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline && agent.isAlive()) {
            for (ConsumerRecord<String, byte[]> record : heartbeats.poll(Duration.ofMillis(50))) {
                if (key.equals(record.key())
                        && matches.test((AgentHeartbeat) CODEC.fromRecord(record.topic(), record.headers(), record.value()))) {
                    return Instant.ofEpochMilli(record.timestamp());
                }
            }
        }
        throw new IllegalStateException("no such heartbeat from " + key + " (alive: " + agent.isAlive() + ")");
    }

    private static long pssKb(Process process) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "smaps_rollup"))) {
            if (line.startsWith("Pss:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no Pss in /proc/" + process.pid() + "/smaps_rollup");
    }

    private static void jcmd(Process process, String command) throws IOException, InterruptedException {
        jdkTool("jcmd", String.valueOf(process.pid()), command);
    }

    /** Classes the JVM has loaded ({@code jstat -class}). */
    private static long classesLoaded(Process process) throws IOException, InterruptedException {
        List<String> lines = jdkTool("jstat", "-class", String.valueOf(process.pid())).lines().toList();
        return Long.parseLong(lines.get(1).trim().split("\\s+")[0]);
    }

    /** What a tool of this JDK says; fails with it when the tool fails. */
    private static String jdkTool(String tool, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", tool).toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " said: " + said);
        }
        return said;
    }
}
