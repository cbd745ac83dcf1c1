package io.corvus.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.corvus.events.kafka.KafkaConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import picocli.CommandLine.Option;

/**
 * Which Corvus a user command talks to: the stack of {@code ./corvus up} unless told otherwise,
 * config-service by {@code --server} and a token, the broker by {@code --bootstrap} with Kafka's
 * own TLS/SASL client settings from {@code --kafka-config}.
 */
final class Target {

    /** How long to wait for a server or a broker before saying it cannot be reached. */
    static final Duration REACH_TIMEOUT = Duration.ofSeconds(5);

    @Option(names = "--server", paramLabel = "URL", description = "config-service's base URL (default: the stack of ./corvus up).")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:CORVUS_TOKEN}",
            description = "An API token (default: $CORVUS_TOKEN, else the admin token of ./corvus up).")
    String token;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka's bootstrap servers (default: the broker of ./corvus up).")
    String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "A properties file with Kafka's client settings for TLS or SASL (security.protocol, ssl.*, sasl.*).")
    Path kafkaConfig;

    private Path stackFolder() {
        return new Layout(Path.of(System.getProperty("corvus.home", ".")).toAbsolutePath().normalize()).runFolder(UpCommand.STACK);
    }

    /** config-service, with the token; the server's answer to readiness is not awaited. */
    ConfigApi api() {
        String url = server != null ? server : fromStack("server", "--server URL");
        String bearer = token != null && !token.isBlank() ? token : fromStack("admin-token", "--token TOKEN (or $CORVUS_TOKEN)");
        return new ConfigApi(url.replaceAll("/+$", ""), bearer);
    }

    /** The broker, checked to answer within {@link #REACH_TIMEOUT}, so that no command hangs on a broker that is not there. */
    KafkaConnection kafka() {
        String servers = bootstrap != null ? bootstrap : fromStack("bootstrap-servers", "--bootstrap HOST:PORT");
        KafkaConnection connection = new KafkaConnection(servers, kafkaSecurity());
        Map<String, Object> config = new HashMap<>(connection.security());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REACH_TIMEOUT.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REACH_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) REACH_TIMEOUT.toMillis())).clusterId()
                    .get(REACH_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new CliFailure(CliFailure.Exit.UNREACHABLE, "the broker at " + servers + " did not answer within "
                    + REACH_TIMEOUT.toSeconds() + " s" + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")")
                    + "; is it running, and are --bootstrap and --kafka-config right?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(CliFailure.Exit.UNREACHABLE, "interrupted while reaching the broker at " + servers);
        }
        return connection;
    }

    private Map<String, String> kafkaSecurity() {
        if (kafkaConfig == null) {
            return Map.of();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(kafkaConfig)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.Exit.FAILED, "cannot read --kafka-config " + kafkaConfig + ": " + e.getMessage());
        }
        Map<String, String> security = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> security.put(name, properties.getProperty(name)));
        try {
            return new KafkaConnection("unused:9092", security).security();
        } catch (IllegalArgumentException e) {
            throw new CliFailure(CliFailure.Exit.FAILED, "--kafka-config " + kafkaConfig + ": " + e.getMessage());
        }
    }

    private String fromStack(String file, String option) {
        Path path = stackFolder().resolve(file);
        try {
            return Files.readString(path).trim();
        } catch (IOException e) {
            throw new CliFailure(CliFailure.Exit.UNREACHABLE, "no stack is up (" + path + " is missing): start one with ./corvus up, "
                    + "or name a Corvus with " + option);
        }
    }
}
