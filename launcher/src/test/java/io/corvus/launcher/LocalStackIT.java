package io.corvus.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What {@code ./corvus demo} does, on the artifacts this build just packaged: the broker process,
 * the three services and an agent start, a configuration written through config-service's API
 * comes back through the watcher with the agent's heartbeat, a bad one is refused and publishes
 * nothing, gateways are elected in both pools, stopping the elected edge gateway's agent makes the
 * other edge node take over, and closing the stack leaves no process behind.
 */
class LocalStackIT {

    @Test
    void theStackStartsCarriesTheDemoEventsAndStopsEveryProcessItStarted(@TempDir Path runFolder) throws Exception {
        Layout layout = new Layout(Path.of("..").toAbsolutePath().normalize());
        assertThat(layout.missingArtifacts()).as("built by the modules before this one").isEmpty();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        List<StackProcess> started;

        LocalInventory inventory = LocalInventory.read(layout.inventory());
        try (LocalStack stack = new LocalStack(layout, runFolder, out)) {
            stack.start(LocalStack.Ports.free(), inventory, Set.of());
            started = stack.processes();
            assertThat(started).extracting(StackProcess::name).containsExactly("kafka", "config-service", "gateway-elector",
                    "cloud-provisioner", "agent-local-cloud-1", "agent-local-edge-1", "agent-local-edge-2");
            assertThat(new PidFile(runFolder).read()).hasSize(7);

            try (EventWatcher watcher = EventWatcher.fromBeginning(stack.connection(), out).start()) {
                ConfigApi api = new ConfigApi(stack.address("config-service"), stack.tokens().admin());
                assertThat(DemoCommand.configure(api, inventory.clusterId(), out)).isTrue();

                assertThat(Expectation.awaitAll(DemoCommand.expectations(inventory), watcher, Duration.ofSeconds(60))).isEmpty();
                String elected = DemoCommand.electedEdgeGateway(watcher.seen(), inventory.clusterId()).orElseThrow();
                stack.stop("agent-" + elected);
                assertThat(Expectation.awaitAll(List.of(DemoCommand.failover(inventory.clusterId(), elected)), watcher,
                        Duration.ofSeconds(60))).as("the other edge node takes over").isEmpty();
                assertThat(DemoCommand.configRevisions(watcher)).as("the refused input published nothing").containsExactly(1L);
                assertThat(new ConfigApi(stack.address("config-service"), stack.tokens().viewer()).put("demo", "{}", "\"1\"")
                        .status()).as("the viewer token may not write").isEqualTo(403);
                assertThat(new CommandLine(new CheckApiCommand()).execute("--server", stack.address("config-service"),
                        "--tokens", stack.tokens().propertiesFile().toString())).as("the chart's helm test, against this stack").isZero();
            }
        }

        assertThat(started).allSatisfy(p -> assertThat(p.process().isAlive()).as(p.name()).isFalse());
        assertThat(new PidFile(runFolder).read()).isEmpty();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("created topics corvus.config.v1")
                .contains("-> 201, ETag \"1\", revision 1")
                .contains("warning: added 100.64.0.0/10")
                .contains("-> 400 The request is invalid")
                .contains("/accessControlList/0: '10.0.0.1/24' has host bits set; the network is 10.0.0.0/24")
                .contains("config.changed", "revision 1 by local-admin")
                .contains("agent.heartbeat");
    }
}
