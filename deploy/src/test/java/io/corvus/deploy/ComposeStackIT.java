package io.corvus.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml for real, through deploy/compose/test.sh: a Docker engine (started when none
 * answers), the images built on local stand-ins for the public base images, the stack up, a
 * configuration through the API, provisioning and a topology on the topics, a fetch through the
 * proxy to an edge node, and nothing left after {@code down -v}. Where no engine can start, the
 * script says why and this test fails: it never passes without the stack having run.
 */
class ComposeStackIT {

    private static final long LIMIT_MINUTES = 40;

    @Test
    void theComposeStackRunsTheProxyPathAndLeavesNothingBehind() throws IOException, InterruptedException {
        Path log = Files.createDirectories(Chart.HOME.resolve("run")).resolve("compose-test.log");
        Process script = new ProcessBuilder(List.of("deploy/compose/test.sh")).directory(Chart.HOME.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean ended = script.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES);
        if (!ended) {
            script.descendants().forEach(ProcessHandle::destroy);
            script.destroy();
        }
        String printed = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(printed);

        assertThat(ended).as("the compose test ended within %d minutes; its output is in %s", LIMIT_MINUTES, log).isTrue();
        assertThat(script.exitValue()).as("the compose test's exit code; its output:%n%s", printed).isZero();
        assertThat(printed).contains("through the cloud agent's proxy door", "passed: nothing of the stack is left");
    }
}
