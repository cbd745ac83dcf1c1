package io.corvus.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.type.TypeReference;
import io.corvus.events.Json;
import io.corvus.events.Topic;
import io.corvus.pki.ClusterCa;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The user commands ({@code corvus config|show|events}) as a user runs them: each in its own
 * process, against the real broker and services of one local stack, with their exit codes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the page's test stops an agent: it comes last
class OperatorCommandsIT {

    private static final Duration PROCESS_LIMIT = Duration.ofSeconds(90);

    @TempDir
    static Path runFolder;

    static LocalStack stack;
    static DemoKubelet kubelet;
    static LocalInventory inventory;
    static String cluster;

    /** What one command printed and how it ended. */
    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void startTheStack() throws IOException {
        Layout layout = new Layout(Path.of("..").toAbsolutePath().normalize());
        inventory = LocalInventory.read(layout.inventory());
        cluster = inventory.clusterId();
        stack = new LocalStack(layout, runFolder, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        kubelet = DemoKubelet.start();
        stack.start(LocalStack.Ports.free(), inventory, Set.of(kubelet.port()));
    }

    @AfterAll
    static void stopTheStack() {
        if (stack != null) {
            stack.close();
        }
        if (kubelet != null) {
            kubelet.close();
        }
    }

    @Test
    void aConfigurationIsAppliedWithADiffPatchedReadAndItsHistoryShown() throws IOException {
        String operated = "operated";
        Path file = runFolder.resolve("cluster.yaml");
        Files.writeString(file, """
                # proxy mode for the local nodes
                proxy:
                  enabled: true
                accessControlList: [127.0.0.0/8, 100.64.0.0/10]
                """);

        Run created = config("apply", "-f", file.toString(), "--cluster", operated);
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.out()).contains("has no configuration yet", "+ /proxy/enabled: true", "revision 1 published");
        assertThat(config("apply", "-f", file.toString(), "--cluster", operated).out()).contains("nothing changes");

        Run dryRun = config("patch", "-p", "{cloud: {eipBandwidthMbps: 20}}", "--cluster", operated, "--dry-run");
        assertThat(dryRun.out()).contains("~ /cloud/eipBandwidthMbps: 100 -> 20", "dry run: nothing was changed");
        Run patched = config("patch", "-p", "{\"cloud\": {\"eipBandwidthMbps\": 20}}", "--cluster", operated);
        assertThat(patched.out()).contains("revision 2 published");

        Run got = config("get", "--cluster", operated, "-o", "json");
        Map<String, Object> document = Json.mapper().readValue(got.out(), new TypeReference<>() { });
        assertThat(document).containsEntry("revision", 2);
        assertThat(config("history", "--cluster", operated).out()).contains("created", "/cloud/eipBandwidthMbps: 100 -> 20");
        assertThat(config("list").out()).contains(operated);
    }

    @Test
    void badInputAndUnreachablePeersGetAClearMessageAndTheirExitCode() throws IOException {
        Path notYaml = runFolder.resolve("broken.yaml");
        Files.writeString(notYaml, "proxy: [enabled: true\n");

        assertThat(config("get", "--cluster", "no-such-cluster")).satisfies(run -> {
            assertThat(run.exit()).isEqualTo(3);
            assertThat(run.err()).contains("cluster no-such-cluster has no network configuration");
        });
        assertThat(config("apply", "-f", notYaml.toString(), "--cluster", cluster)).satisfies(run -> {
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).contains("is neither YAML nor JSON", "line ");
        });
        assertThat(config("apply", "-f", runFolder.resolve("missing.yaml").toString(), "--cluster", cluster).err()).contains("no such file");
        assertThat(config("apply", "-p", "{tunnel: {vni: 0}}", "--cluster", "refused")).satisfies(run -> {
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).contains("/tunnel/vni: is 0");
        });
        assertThat(corvus("config", "list", "--server", stack.address("config-service"), "--token", "wrong")).satisfies(run -> {
            assertThat(run.exit()).isEqualTo(5);
            assertThat(run.err()).contains("the bearer token is not valid");
        });
        assertThat(corvus("config", "list", "--server", "http://127.0.0.1:9", "--token", "any")).satisfies(run -> {
            assertThat(run.exit()).isEqualTo(6);
            assertThat(run.err()).contains("cannot reach config-service at http://127.0.0.1:9");
        });
        assertThat(corvus("show", "gateways", "--bootstrap", "127.0.0.1:9")).satisfies(run -> {
            assertThat(run.exit()).isEqualTo(6);
            assertThat(run.err()).contains("the broker at 127.0.0.1:9 did not answer");
        });
        Path notKafkaSecurity = runFolder.resolve("kafka.properties");
        Files.writeString(notKafkaSecurity, "acks=0\n");
        assertThat(corvus("show", "gateways", "--bootstrap", stack.bootstrapServers(), "--kafka-config", notKafkaSecurity.toString()))
                .satisfies(run -> {
                    assertThat(run.exit()).isEqualTo(1);
                    assertThat(run.err()).contains("kafka.acks is not a TLS or SASL setting");
                });
        assertThat(corvus("show", "nodes").exit()).as("an unknown command is a usage error").isEqualTo(2);
        assertThat(corvus("demo", "--help")).satisfies(run -> {
            assertThat(run.exit()).isZero();
            assertThat(run.out()).contains("Usage: corvus demo");
        });
    }

    @Test
    void aChangeBasedOnAnOlderRevisionIsRefusedAsAConflict() {
        String contended = "contended";
        assertThat(config("apply", "-p", "{proxy: {enabled: false}}", "--cluster", contended).exit()).isZero();
        assertThat(config("patch", "-p", "{cloud: {eipBandwidthMbps: 30}}", "--cluster", contended).exit()).isZero();

        Run stale = config("patch", "-p", "{cloud: {eipBandwidthMbps: 40}}", "--cluster", contended, "--if-revision", "1");

        assertThat(stale.exit()).as(stale.toString()).isEqualTo(4);
        assertThat(stale.err()).contains("is at revision 2, not 1");
        assertThat(config("delete", "--cluster", contended).out()).contains("deleted");
        assertThat(config("get", "--cluster", contended).exit()).isEqualTo(3);
    }

    @Test
    void showAndEventsTellWhoTheGatewaysAreAndWhyTheyChanged() {
        assertThat(config("apply", "-p", DemoCommand.LOCAL_PROXY_CONFIG, "--cluster", cluster).exit()).isZero();

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Run gateways = show("gateways", "--cluster", cluster);
            assertThat(gateways.out()).contains("edge-hangzhou", "proxy:local-edge-").contains("proxy:local-cloud-1");
        });
        assertThat(show("changes", "--cluster", cluster).out()).contains("CONFIGURATION", "the pool's first election");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(show("connections", "--cluster", cluster).out()).contains("proxy_server", "proxy_client"));
        assertThat(show("provisioning", "--cluster", cluster).out()).contains("requested");
        assertThat(show("clusters").out()).contains(cluster, "on");
        assertThat(show("endpoints", "--cluster", cluster, "-o", "json").out()).contains("\"nodeName\" : \"local-cloud-1\"");

        Run events = corvus("events", "watch", "--bootstrap", stack.bootstrapServers(), "--since", "all", "--cluster", cluster,
                "--type", "config.changed,topology.changed", "--for", "3s");
        assertThat(events.exit()).isZero();
        assertThat(events.out()).contains("config.changed", "topology.changed").doesNotContain("agent.heartbeat");
    }

    @Test
    @Order(1)
    void verifyPassesOnAWorkingClusterAndDiagnoseFindsTheProblemsMadeOnPurpose() throws Exception {
        assertThat(config("apply", "-p", DemoCommand.LOCAL_PROXY_CONFIG, "--cluster", cluster).exit()).isZero();
        String cloudNode = "local-cloud-1";
        String door = "127.0.0.1:" + stack.agentPorts(cloudNode).http();
        String link = "127.0.0.1:" + stack.agentPorts(cloudNode).link();

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Run verify = checks("verify", "--door", door, "--target-port", String.valueOf(kubelet.port()));
            assertThat(verify.exit()).as(verify.out()).isZero();
            assertThat(verify.out()).contains("PASS    proxy link", "PASS    request through the proxy");
        });
        Run healthy = checks("diagnose", "--link", link);
        assertThat(healthy.exit()).as(healthy.out()).isZero();
        assertThat(healthy.out()).contains("0 failed");

        String elected = edgeEndpoint(show("gateways", "--cluster", cluster, "-o", "json").out());
        String quiet = inventory.nodeNames().stream().filter(n -> n.startsWith("local-edge") && !n.equals(elected)).findFirst().orElseThrow();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            ConfigResource dlq = new ConfigResource(ConfigResource.Type.TOPIC, "corvus.dlq.v1");
            admin.incrementalAlterConfigs(Map.of(dlq, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "60000"),
                    AlterConfigOp.OpType.SET)))).all().get();
            stack.signal("agent-" + quiet, "STOP");
            // a certificate renewed in place with 3 days left: the agent's heartbeat tells diagnose
            ClusterCa ca = ClusterCa.load(runFolder.resolve("pki"));
            ca.issue(elected, List.of("127.0.0.1"), Duration.ofDays(3)).writeTo(runFolder.resolve("pki"));
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                    Run sick = checks("diagnose", "--link", link, "--listen", "1s");
                    assertThat(sick.exit()).isEqualTo(1);
                    assertThat(sick.out()).contains("FAIL    heartbeats", quiet, "topic corvus.dlq.v1: retention.ms is 60000")
                            .containsPattern("WARN    certificates +node " + elected + " +expires in 2 days");
                });
            } finally {
                ca.issue(elected, List.of("127.0.0.1"), Duration.ofDays(30)).writeTo(runFolder.resolve("pki"));
                stack.signal("agent-" + quiet, "CONT");
                admin.incrementalAlterConfigs(Map.of(dlq, List.of(new AlterConfigOp(new ConfigEntry("retention.ms",
                        Topic.DLQ.kafkaConfigs().get("retention.ms")), AlterConfigOp.OpType.SET)))).all().get();
            }
        }
    }

    @Test
    @Order(1)
    void theProxyBenchmarkMeasuresRequestsThroughTheRunningSystem() throws IOException {
        assertThat(config("apply", "-p", DemoCommand.LOCAL_PROXY_CONFIG, "--cluster", cluster).exit()).isZero();
        String door = "127.0.0.1:" + stack.agentPorts("local-cloud-1").http();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(
                checks("verify", "--door", door, "--target-port", String.valueOf(kubelet.port())).exit()).isZero());

        Run bench = checks("benchmark", "--door", door, "--target", "local-edge-1:" + kubelet.port(), "--requests", "100", "-o", "json");

        assertThat(bench.exit()).as(bench.err()).isZero();
        Map<String, Object> result = Json.mapper().readValue(bench.out(), new TypeReference<>() { });
        assertThat(result).containsEntry("requests", 100).containsEntry("failed", 0).containsKeys("latencyP99Ms", "requestsPerSecond");
        assertThat(checks("benchmark", "--door", door, "--target", "local-edge-1:22", "--requests", "5").exit())
                .as("a port the edge may not dial: every request refused").isEqualTo(1);
    }

    @Test
    @Order(2)
    void theTopologyPageShowsAGatewayChangeLiveWhenTheGatewaysAgentStops() throws Exception {
        Process install = new ProcessBuilder("bash", Path.of("../tools/host-packages.sh").toString(), "chromium", "chromedriver")
                .inheritIO().start();
        assertThat(install.waitFor()).as("Debian's chromium and chromedriver (tools/host-packages.sh needs root to install them)")
                .isZero();
        assertThat(config("apply", "-p", DemoCommand.LOCAL_PROXY_CONFIG, "--cluster", cluster).exit()).isZero();
        ChromeDriver browser = TopologyPage.openBrowser();
        try {
            TopologyPage page = new TopologyPage(browser, stack.address("config-service"));
            page.signIn("not-a-token");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(page.status()).isEqualTo("refused"));
            assertThat(page.signInProblem()).contains("refused the token");

            page.signIn(stack.tokens().viewer());
            String elected = await().atMost(Duration.ofSeconds(90)).until(() -> page.endpoints("edge-hangzhou"), e -> !e.isEmpty());
            assertThat(page.status()).isEqualTo("live");
            assertThat(page.certificate(elected)).as("the stack's node certificates are valid for 30 days").matches(
                    "\\d{4}-\\d{2}-\\d{2} \\((29|30) days\\)");
            stack.stop("agent-" + elected);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(page.endpoints("edge-hangzhou")).isNotEmpty().isNotEqualTo(elected);
                assertThat(page.lastChange("edge-hangzhou")).contains(elected + " went");
            });
            page.screenshot(Path.of("target/topology-page.png"));
        } finally {
            browser.quit();
        }
    }

    private static Run config(String... args) {
        List<String> command = new ArrayList<>(List.of("config"));
        command.addAll(List.of(args));
        command.addAll(List.of("--server", stack.address("config-service"), "--token", stack.tokens().admin()));
        return corvus(command.toArray(String[]::new));
    }

    /** The elected edge gateway, from {@code corvus show gateways -o json}. */
    @SuppressWarnings("unchecked")
    private static String edgeEndpoint(String json) throws IOException {
        List<Map<String, Object>> rows = Json.mapper().readValue(json, new TypeReference<>() { });
        return rows.stream().map(row -> (Map<String, Object>) row.get("gateway")).filter(g -> Boolean.TRUE.equals(g.get("edge")))
                .map(g -> ((List<Map<String, Object>>) g.get("endpoints")).getFirst().get("nodeName").toString()).findFirst().orElseThrow();
    }

    private static Run checks(String command, String... args) {
        List<String> line = new ArrayList<>(command.equals("benchmark") ? List.of(command, "proxy") : List.of(command));
        line.addAll(List.of("--cluster", cluster, "--bootstrap", stack.bootstrapServers()));
        line.addAll(List.of(args));
        return corvus(line.toArray(String[]::new));
    }

    private static Run show(String... args) {
        List<String> command = new ArrayList<>(List.of("show"));
        command.addAll(List.of(args));
        command.addAll(List.of("--bootstrap", stack.bootstrapServers()));
        return corvus(command.toArray(String[]::new));
    }

    /** {@code corvus ARGS} in its own JVM, as the script runs it. */
    static Run corvus(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CorvusCommand.class.getName()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(runFolder, "out", ".txt");
            Path err = Files.createTempFile(runFolder, "err", ".txt");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(PROCESS_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("corvus " + String.join(" ", args) + " did not end within " + PROCESS_LIMIT.toSeconds() + " s");
            }
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new AssertionError("cannot run corvus " + String.join(" ", args), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
