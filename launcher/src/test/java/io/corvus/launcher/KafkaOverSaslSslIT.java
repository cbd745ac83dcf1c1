package io.corvus.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.corvus.events.payload.AgentHeartbeat;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole stack against a broker that takes SASL_SSL alone, as a managed Kafka does: every
 * service's and agent's producers, consumers and admin clients (configuration writes in
 * transactions, the elector's and the provisioner's group consumers, the agents' topology reads
 * and heartbeats) get the TLS and SASL settings from their environment, the way a chart's Secret
 * gives them; the demo's events flow end to end and the proxy link comes up. A client without
 * them is turned away, and the password reaches no log.
 */
class KafkaOverSaslSslIT {

    @Test
    void everyServiceAndAgentWorksThroughATlsAndSaslOnlyBroker(@TempDir Path runFolder) throws Exception {
        Layout layout = new Layout(Path.of("..").toAbsolutePath().normalize());
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        LocalInventory inventory = LocalInventory.read(layout.inventory());
        String clusterId = inventory.clusterId();

        try (LocalStack stack = new LocalStack(layout, runFolder, out).kafkaOverSaslSsl()) {
            stack.start(LocalStack.Ports.free(), inventory, Set.of());
            KafkaConnection connection = stack.connection();
            assertThat(connection.security()).containsEntry("security.protocol", "SASL_SSL");

            try (EventWatcher watcher = EventWatcher.fromBeginning(connection, out).start()) {
                ConfigApi api = new ConfigApi(stack.address("config-service"), stack.tokens().admin());
                assertThat(api.put(clusterId, "{\"proxy\": {\"enabled\": true}, \"accessControlList\": \"127.0.0.0/8\"}", null).status())
                        .isEqualTo(201);
                assertThat(Expectation.awaitAll(DemoCommand.expectations(inventory), watcher, Duration.ofSeconds(90))).isEmpty();
                // whichever nodes the elector chose: the cloud node's heartbeat names an edge node as the peer of its link
                Expectation linked = Expectation.event("a proxy link from the edge pool to the cloud gateway", event ->
                        event instanceof AgentHeartbeat h && h.nodeName().equals("local-cloud-1") && !h.linkedPeers().isEmpty());
                assertThat(Expectation.awaitAll(List.of(linked), watcher, Duration.ofSeconds(60)))
                        .as("agents read their topology and heartbeat over SASL_SSL").isEmpty();
            }

            Map<String, Object> plaintext = KafkaClients.adminConfig(KafkaConnection.plain(stack.bootstrapServers()), "no-login");
            plaintext.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
            plaintext.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
            try (Admin admin = Admin.create(plaintext)) {
                assertThat(admin.listTopics().names()).failsWithin(Duration.ofSeconds(20));
            }
            String password = connection.security().get("sasl.jaas.config").replaceAll(".*password=\"([^\"]+)\".*", "$1");
            try (Stream<Path> logs = Files.list(runFolder.resolve("logs"))) {
                assertThat(logs.toList()).isNotEmpty().allSatisfy(log -> assertThat(Files.readString(log)).as(log.toString())
                        .doesNotContain(password));
            }
        }
    }
}
