package io.corvus.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.corvus.events.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ./corvus demo} does, on the artifacts this build just packaged: the broker process,
 * the three services and an agent start, a configuration published to the broker comes back
 * through the watcher with the agent's heartbeat, and closing the stack leaves no process behind.
 */
class LocalStackIT {

    @Test
    void theStackStartsCarriesTheDemoEventsAndStopsEveryProcessItStarted(@TempDir Path runFolder) throws Exception {
        Layout layout = new Layout(Path.of("..").toAbsolutePath().normalize());
        assertThat(layout.missingArtifacts()).as("built by the modules before this one").isEmpty();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        List<StackProcess> started;

        try (LocalStack stack = new LocalStack(layout, runFolder, out)) {
            stack.start(LocalStack.Ports.free(), DemoCommand.NODE);
            started = stack.processes();
            assertThat(started).extracting(StackProcess::name).containsExactly(
                    "kafka", "config-service", "gateway-elector", "cloud-provisioner", "agent-local-node-1");
            assertThat(new PidFile(runFolder).read()).hasSize(5);

            try (EventWatcher watcher = new EventWatcher(stack.bootstrapServers(), out, true).start();
                    EventPublisher publisher = new EventPublisher(
                            new KafkaProducer<>(KafkaClients.producerConfig(stack.bootstrapServers(), "launcher-test")),
                            EventCodec.create(), "launcher-test")) {
                var sample = DemoCommand.sampleConfiguration();
                publisher.publish(sample).get();

                assertThat(Expectation.awaitAll(DemoCommand.expectations(sample), watcher, Duration.ofSeconds(60))).isEmpty();
            }
        }

        assertThat(started).allSatisfy(p -> assertThat(p.process().isAlive()).as(p.name()).isFalse());
        assertThat(new PidFile(runFolder).read()).isEmpty();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("created topics corvus.config.v1")
                .contains("config.changed", "revision 1 by corvus-demo")
                .contains("agent.heartbeat");
    }
}
