package io.corvus.kafka.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One Apache Kafka node in KRaft mode (broker and controller in one), run in this JVM.
 *
 * <p>This is Kafka's own server, not a fake: tests and the local run talk to it with the ordinary
 * Kafka clients. Topics are never created on first use ({@code auto.create.topics.enable=false}),
 * so every topic must come from the Corvus topic catalog.
 */
public final class KraftBroker implements AutoCloseable {

    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** The broker's own listener when clients must use SASL_SSL: loopback, plaintext, for its readiness check alone. */
    private static final String INTERNAL_LISTENER = "INTERNAL";

    /**
     * Clients must come over TLS and log in with SASL/PLAIN, as a managed Kafka asks of them.
     *
     * @param keyStore         the broker's certificate and key (PKCS12)
     * @param keyStorePassword its password
     * @param users            the logins the broker accepts: user name to password
     */
    public record SaslSsl(Path keyStore, String keyStorePassword, Map<String, String> users) {
        public SaslSsl {
            users = Map.copyOf(users);
            if (users.isEmpty()) {
                throw new IllegalArgumentException("a SASL_SSL listener needs at least one user");
            }
        }

        @Override
        public String toString() {
            return "SaslSsl[" + keyStore + ", users " + new TreeSet<>(users.keySet()) + "]";
        }
    }

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDirectory;

    private KraftBroker(KafkaRaftServer server, String bootstrapServers, Path dataDirectory) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Formats {@code dataDirectory} if it is new, starts the node on loopback and waits until it answers.
     *
     * @param brokerPort the client port, or 0 for a free one
     */
    public static KraftBroker start(Path dataDirectory, int brokerPort) {
        return start(dataDirectory, brokerPort, "127.0.0.1");
    }

    /**
     * The same, with clients served at {@code host}: an address of this machine that the clients reach
     * (a bridge's address, when they run in network namespaces behind it).
     */
    public static KraftBroker start(Path dataDirectory, int brokerPort, String host) {
        return start(dataDirectory, brokerPort, host, Optional.empty());
    }

    /** The same, with clients made to use SASL_SSL when {@code saslSsl} is given. */
    public static KraftBroker start(Path dataDirectory, int brokerPort, String host, Optional<SaslSsl> saslSsl) {
        try {
            Files.createDirectories(dataDirectory);
            int[] free = FreePorts.take(3);
            int port = brokerPort == 0 ? free[0] : brokerPort;
            int[] others = Arrays.stream(free).filter(p -> p != port).limit(2).toArray();
            Properties properties = serverProperties(dataDirectory, host, port, others[0]);
            saslSsl.ifPresent(secured -> secure(properties, secured, host, port, others[0], others[1]));
            formatIfNew(dataDirectory);
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(properties, false), Time.SYSTEM);
            server.startup();
            awaitReady(saslSsl.isPresent() ? "127.0.0.1:" + others[1] : host + ":" + port, Duration.ofSeconds(60));
            return new KraftBroker(server, host + ":" + port, dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the Kafka data directory " + dataDirectory, e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    private static Properties serverProperties(Path dataDirectory, String host, int port, int controllerPort) {
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(NODE_ID)),
                Map.entry("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://" + host + ":" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://" + host + ":" + port),
                Map.entry("controller.listener.names", CONTROLLER_LISTENER),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT"),
                Map.entry("log.dirs", dataDirectory.toAbsolutePath().toString()),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "4"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "4"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // Compaction must run soon enough to be observable in a local run.
                Map.entry("log.cleaner.backoff.ms", "1000")));
        return p;
    }

    /** The client listener takes SASL_SSL alone; the broker checks its own readiness on a loopback listener. */
    private static void secure(Properties p, SaslSsl saslSsl, String host, int port, int controllerPort, int internalPort) {
        StringBuilder logins = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        new TreeMap<>(saslSsl.users()).forEach((user, password) -> logins.append(" user_").append(user).append("=\"").append(password)
                .append('"'));
        p.putAll(Map.ofEntries(
                Map.entry("listeners", "SASL_SSL://" + host + ":" + port + "," + INTERNAL_LISTENER + "://127.0.0.1:" + internalPort + ","
                        + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "SASL_SSL://" + host + ":" + port + "," + INTERNAL_LISTENER + "://127.0.0.1:"
                        + internalPort),
                Map.entry("inter.broker.listener.name", INTERNAL_LISTENER),
                Map.entry("listener.security.protocol.map", "SASL_SSL:SASL_SSL," + INTERNAL_LISTENER + ":PLAINTEXT,"
                        + CONTROLLER_LISTENER + ":PLAINTEXT"),
                Map.entry("sasl.enabled.mechanisms", "PLAIN"),
                Map.entry("listener.name.sasl_ssl.plain.sasl.jaas.config", logins.append(";").toString()),
                Map.entry("ssl.keystore.type", "PKCS12"),
                Map.entry("ssl.keystore.location", saslSsl.keyStore().toAbsolutePath().toString()),
                Map.entry("ssl.keystore.password", saslSsl.keyStorePassword())));
    }

    private static void formatIfNew(Path dataDirectory) {
        if (Files.exists(dataDirectory.resolve("meta.properties"))) {
            return; // formatted by an earlier start: keep its cluster id and data
        }
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dataDirectory.toAbsolutePath().toString()))
                    .setMetadataLogDirectory(dataDirectory.toAbsolutePath().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the KRaft data directory " + dataDirectory + ": " + e.getMessage(), e);
        }
    }

    private static void awaitReady(String bootstrapServers, Duration timeout) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the Kafka node at " + bootstrapServers + " did not answer within " + timeout, e);
        }
    }
}
