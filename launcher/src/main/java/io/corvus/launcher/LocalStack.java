package io.corvus.launcher;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.corvus.events.Raven;
import io.corvus.events.kafka.BootstrapReport;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.corvus.events.kafka.TopicBootstrap;
import org.apache.kafka.clients.admin.Admin;

/**
 * The local stack: the KRaft broker process, the three control-plane services and the local
 * agents, each its own process with its own ports and log file in the run folder. Stopping it
 * stops every process it started, newest first, by pid.
 */
final class LocalStack implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final List<String> SERVICE_JVM = List.of("-Xmx256m");

    /** Where each part listens; agent i gets the ports {@code agentPorts(i)}. */
    record Ports(int kafka, Map<String, Integer> http, IntFunction<AgentPorts> agentPorts) {

        /** The documented ports of {@code ./corvus up}: agent i on 10280+10i .. 10284+10i, as DESIGN.md's 10280-10284. */
        static Ports fixed() {
            return new Ports(19092, Map.of("config-service", 8080, "gateway-elector", 8081, "cloud-provisioner", 8082),
                    i -> AgentPorts.from(Raven.PROXY_LINK_PORT + 10 * i));
        }

        /** Free ports picked now, so that a demo never collides with a stack that is already up. */
        static Ports free() {
            IntSupplier port = distinctFreePorts();
            return new Ports(port.getAsInt(), Map.of("config-service", port.getAsInt(), "gateway-elector", port.getAsInt(),
                    "cloud-provisioner", port.getAsInt()),
                    i -> new AgentPorts(port.getAsInt(), port.getAsInt(), port.getAsInt(), port.getAsInt(), port.getAsInt()));
        }
    }

    /** An agent's five ports: link server, HTTPS and HTTP front doors, metrics, health (10280-10284 in a cluster). */
    record AgentPorts(int link, int https, int http, int metrics, int health) {

        static AgentPorts from(int first) {
            return new AgentPorts(first, first + 1, first + 2, first + 3, first + 4);
        }

        IntStream all() {
            return IntStream.of(link, https, http, metrics, health);
        }
    }

    /** Where the stack's agents run: as processes of this host, or each in the network namespace of its node. */
    interface Placement {

        /** The agents run on this host, on loopback, each with ports of its own. */
        Placement HOST = new Placement() {
        };

        /** The address the broker serves clients at. */
        default String brokerHost() {
            return "127.0.0.1";
        }

        /** What runs a node's agent where it belongs (nothing on the host; {@code ip netns exec …} in a lab). */
        default List<String> prefix(String node) {
            return List.of();
        }

        /** Where the node's agent answers its health checks. */
        default String agentHost(String node) {
            return "127.0.0.1";
        }

        /** Settings the node's agent needs here besides the stack's. */
        default Map<String, String> agentSettings(String node) {
            return Map.of();
        }
    }

    private final Layout layout;
    private final Path runFolder;
    private final PrintStream out;
    private final List<StackProcess> processes = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, AgentPorts> agentPorts = new LinkedHashMap<>();
    private String bootstrapServers;
    private boolean saslSsl;
    /** Set when the broker takes SASL_SSL alone. */
    private LocalKafkaSecurity kafkaSecurity;
    private ApiTokens tokens;

    LocalStack(Layout layout, Path runFolder, PrintStream out) {
        this.layout = layout;
        this.runFolder = runFolder;
        this.out = out;
    }

    /** Makes the broker take SASL_SSL alone (a managed Kafka's way), and every client use it; before {@link #start}. */
    LocalStack kafkaOverSaslSsl() {
        saslSsl = true;
        return this;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** How the stack's clients reach the broker, the launcher's own included. */
    KafkaConnection connection() {
        return kafkaSecurity == null ? KafkaConnection.plain(bootstrapServers) : kafkaSecurity.connection(bootstrapServers);
    }

    ApiTokens tokens() {
        return tokens;
    }

    /** Where a service answers, e.g. {@code http://127.0.0.1:8080} for config-service. */
    String address(String name) {
        return processes().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().address();
    }

    List<StackProcess> processes() {
        return List.copyOf(processes);
    }

    /** The proxy ports of a node's agent. */
    AgentPorts agentPorts(String node) {
        return agentPorts.get(node);
    }

    /**
     * Starts everything and returns once every part is ready; on any failure stops what it started.
     *
     * @param extraTargetPorts target ports the edge agents may dial besides the kubelet's and node exporter's
     */
    void start(Ports ports, LocalInventory inventory, Set<Integer> extraTargetPorts) {
        start(ports, inventory, extraTargetPorts, Placement.HOST);
    }

    /** Starts everything with the agents placed as {@code placement} says. */
    void start(Ports ports, LocalInventory inventory, Set<Integer> extraTargetPorts, Placement placement) {
        List<Path> missing = layout.missingArtifacts();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("not built yet: " + missing
                    + "; run ./corvus (it builds what is missing) or mvn -B -DskipTests install");
        }
        try {
            Files.createDirectories(runFolder.resolve("logs"));
            startBroker(ports.kafka(), placement.brokerHost());
            createTopics();
            tokens = ApiTokens.generate(runFolder);
            List<StackProcess> services = new ArrayList<>();
            for (String service : Layout.CONTROL_PLANE) {
                Map<String, String> settings = switch (service) {
                    case "config-service" -> Map.of("quarkus.config.locations", tokens.propertiesFile().toString());
                    case "gateway-elector" -> Map.of("corvus.elector.inventory.file", inventory.file().toString());
                    case "cloud-provisioner" -> Map.of("corvus.provisioner.raven-cfg.dir", runFolder.resolve("raven-cfg").toString());
                    default -> Map.of();
                };
                services.add(startService(service, service, ports.http().get(service), settings));
            }
            var certificates = LocalPki.create(runFolder.resolve("pki"), inventory.clusterId(), inventory.nodeNames());
            Path presharedKey = LocalPki.tunnelKey(runFolder.resolve("pki"));
            TreeSet<Integer> targetPorts = new TreeSet<>(List.of(10250, 10255, 9100));
            targetPorts.addAll(extraTargetPorts);
            for (int i = 0; i < inventory.nodeNames().size(); i++) {
                String node = inventory.nodeNames().get(i);
                AgentPorts agent = ports.agentPorts().apply(i);
                agentPorts.put(node, agent);
                var tls = certificates.get(node);
                Map<String, String> settings = new LinkedHashMap<>();
                settings.put("corvus.agent.cluster-id", inventory.clusterId());
                settings.put("corvus.agent.node-name", node);
                settings.put("corvus.agent.proxy.bind-address", placement.agentHost(node));
                settings.put("corvus.agent.proxy.link-port", String.valueOf(agent.link()));
                settings.put("corvus.agent.proxy.https-port", String.valueOf(agent.https()));
                settings.put("corvus.agent.proxy.http-port", String.valueOf(agent.http()));
                settings.put("corvus.agent.metrics-port", String.valueOf(agent.metrics()));
                settings.put("corvus.agent.health-port", String.valueOf(agent.health()));
                settings.put("corvus.agent.proxy.certificate", tls.certificate().toString());
                settings.put("corvus.agent.proxy.key", tls.key().toString());
                settings.put("corvus.agent.proxy.ca", tls.ca().toString());
                // every node of the local run is this host: the EIP of the local cloud leads nowhere, so dial directly
                settings.put("corvus.agent.proxy.dial", "endpoints");
                settings.put("corvus.agent.proxy.allowed-ports", targetPorts.stream().map(String::valueOf)
                        .collect(Collectors.joining(",")));
                settings.put("corvus.agent.tunnel.preshared-key-file", presharedKey.toString());
                settings.put("corvus.agent.tunnel.state-directory", runFolder.resolve("state/" + node).toString());
                settings.putAll(placement.agentSettings(node));
                services.add(startAgent(node, placement, agent.health(), settings));
            }
            for (StackProcess service : services) {
                awaitHealthy(service);
            }
            new PidFile(runFolder).write(processes());
        } catch (RuntimeException | IOException e) {
            close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private void startBroker(int port, String host) throws IOException {
        Path log = runFolder.resolve("logs/kafka.log");
        String classpath = layout.brokerJar() + File.pathSeparator + layout.brokerLibraries().resolve("*");
        List<String> command = new ArrayList<>(List.of(javaCommand(), "-Xmx512m", "-Dlog4j2.configurationFile=kraft-broker-log4j2.properties",
                "-cp", classpath, "io.corvus.kafka.broker.KraftBrokerMain", runFolder.resolve("kafka-data").toString(), String.valueOf(port),
                host));
        if (saslSsl) {
            kafkaSecurity = LocalKafkaSecurity.create(runFolder.resolve("kafka-tls"), List.copyOf(new TreeSet<>(List.of("127.0.0.1", host))));
            command.add(kafkaSecurity.brokerFile().toString());
        }
        StackProcess broker = launch("kafka", "127.0.0.1:" + port, log, command, Map.of());
        awaitBrokerReady(broker, 0);
        bootstrapServers = host + ":" + port;
    }

    /** Waits until the broker says READY in its log, after the first {@code logCharsBefore} characters (an earlier run's). */
    private static void awaitBrokerReady(StackProcess broker, int logCharsBefore) throws IOException {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (!Files.readString(broker.log()).substring(logCharsBefore).contains("READY ")) {
            failIfDead(broker);
            pause(deadline, broker);
        }
    }

    private void createTopics() {
        try (Admin admin = Admin.create(KafkaClients.adminConfig(connection(), "corvus-launcher"))) {
            BootstrapReport report = new TopicBootstrap(admin).ensureTopics();
            if (!report.created().isEmpty()) {
                out.println("created topics " + String.join(", ", report.created()));
            }
            report.drifts().forEach(drift -> out.println("WARNING " + drift.explain()));
        }
    }

    private StackProcess startService(String name, String module, int port, Map<String, String> settings) throws IOException {
        Map<String, String> withPort = new LinkedHashMap<>(settings);
        withPort.put("quarkus.http.port", String.valueOf(port));
        return launch(name, "http://127.0.0.1:" + port, runFolder.resolve("logs/" + name + ".log"),
                javaCommand(SERVICE_JVM, withPort, layout.serviceJar(module)), kafkaEnvironment());
    }

    private StackProcess startAgent(String node, Placement placement, int port, Map<String, String> settings) throws IOException {
        List<String> command = new ArrayList<>(placement.prefix(node));
        List<String> jvm = new ArrayList<>(List.of("@" + layout.agentJvmOptions()));
        if (Files.exists(layout.agentAotCache())) { // without it the agent only starts slower
            jvm.add("-XX:AOTCache=" + layout.agentAotCache());
        }
        command.addAll(javaCommand(jvm, settings, layout.agentJar()));
        return launch("agent-" + node, "http://" + placement.agentHost(node) + ":" + port, runFolder.resolve("logs/agent-" + node + ".log"),
                command, kafkaEnvironment());
    }

    /** The Kafka client settings besides the bootstrap servers, as services and agents take them: from their environment. */
    private Map<String, String> kafkaEnvironment() {
        return kafkaSecurity == null ? Map.of() : kafkaSecurity.environment();
    }

    private List<String> javaCommand(List<String> jvmOptions, Map<String, String> settings, Path jar) {
        List<String> command = new ArrayList<>(List.of(javaCommand()));
        command.addAll(jvmOptions);
        command.add("-Dkafka.bootstrap.servers=" + bootstrapServers);
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        return command;
    }

    private StackProcess launch(String name, String address, Path log, List<String> command, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder
                .directory(runFolder.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        StackProcess started = new StackProcess(name, process, address, log, command);
        processes.add(started);
        new PidFile(runFolder).write(processes());
        return started;
    }

    private void awaitHealthy(StackProcess service) {
        URI ready = URI.create(service.address() + "/q/health/ready");
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (true) {
            failIfDead(service);
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // keep waiting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + service.name());
            }
            pause(deadline, service);
        }
    }

    private static void pause(Instant deadline, StackProcess waitingFor) {
        if (Instant.now().isAfter(deadline)) {
            throw new IllegalStateException(waitingFor.name() + " was not ready within " + READY_TIMEOUT.toSeconds()
                    + " s; see " + waitingFor.log());
        }
        try {
            TimeUnit.MILLISECONDS.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + waitingFor.name());
        }
    }

    private static void failIfDead(StackProcess process) {
        if (!process.process().isAlive()) {
            throw new IllegalStateException(process.name() + " exited with status " + process.process().exitValue()
                    + " before it was ready; its log: " + process.log() + lastLines(process.log()));
        }
    }

    private static String lastLines(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return "\n    " + String.join("\n    ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops one process (the demo's way to make a node fail). */
    void stop(String name) {
        processes().stream().filter(p -> p.name().equals(name)).findFirst().ifPresent(p -> {
            stop(p.process().toHandle());
            processes.remove(p);
            new PidFile(runFolder).write(processes());
        });
    }

    /** Kills one process outright (SIGKILL), as a node that dies: it says nothing and cleans nothing up. */
    void kill(String name) {
        StackProcess process = find(name);
        process.process().destroyForcibly();
        try {
            process.process().onExit().get(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(name + " did not die of SIGKILL: " + e.getMessage(), e);
        }
    }

    /** The process id of one of the stack's processes. */
    long pid(String name) {
        return find(name).process().pid();
    }

    /**
     * Freezes one process (SIGSTOP) or wakes it (SIGCONT), as a long pause of a busy or throttled
     * node: it keeps its sockets and says nothing meanwhile.
     */
    void signal(String name, String signal) throws IOException, InterruptedException {
        StackProcess process = find(name);
        int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.process().pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill -" + signal + " " + name + " failed (exit " + exit + ")");
        }
    }

    /** Starts a process that was killed or stopped again, as it was started the first time, and waits until it is ready. */
    void restart(String name) throws IOException {
        StackProcess old = find(name);
        processes.remove(old);
        Files.writeString(old.log(), "\n--- restarted ---\n", StandardOpenOption.APPEND);
        int logCharsBefore = Files.readString(old.log()).length();
        ProcessBuilder builder = new ProcessBuilder(old.command());
        builder.environment().putAll(name.equals("kafka") ? Map.of() : kafkaEnvironment());
        Process process = builder.directory(runFolder.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(old.log().toFile())).start();
        StackProcess restarted = new StackProcess(name, process, old.address(), old.log(), old.command());
        processes.add(restarted);
        new PidFile(runFolder).write(processes());
        if (name.equals("kafka")) {
            awaitBrokerReady(restarted, logCharsBefore);
        } else {
            awaitHealthy(restarted);
        }
    }

    private StackProcess find(String name) {
        return processes().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the stack has no process " + name));
    }

    /** Stops every process, newest first: SIGTERM, then a kill after the grace period. */
    @Override
    public void close() {
        List<StackProcess> newestFirst = new ArrayList<>(processes());
        Collections.reverse(newestFirst);
        newestFirst.forEach(p -> p.process().destroy());
        for (StackProcess p : newestFirst) {
            stop(p.process().toHandle());
        }
        processes.clear();
        new PidFile(runFolder).delete();
    }

    /** Waits for a process asked to stop, killing it if it outlives the grace period. */
    static void stop(ProcessHandle process) {
        process.destroy();
        try {
            process.onExit().get(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception stillRunning) {
            process.destroyForcibly();
            process.onExit().join(); // SIGKILL cannot be refused: whoever called stop may count on it being gone
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Free ports, never one twice: the kernel may hand a just-closed port out again. */
    private static IntSupplier distinctFreePorts() {
        Set<Integer> given = new HashSet<>();
        return () -> {
            synchronized (given) {
                while (true) {
                    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                        if (given.add(socket.getLocalPort())) {
                            return socket.getLocalPort();
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };
    }
}
