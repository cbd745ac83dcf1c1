package io.corvus.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {

    @Test
    void linesThatAreNotANameAndAPidAreIgnored(@TempDir Path runFolder) throws Exception {
        Files.writeString(runFolder.resolve("stack.pids"), "kafka 41\n\ngarbage\nagent x\nconfig-service 42\n");

        assertThat(new PidFile(runFolder).read())
                .containsExactly(new PidFile.Entry("kafka", 41), new PidFile.Entry("config-service", 42));
    }

    @Test
    void aProcessThatIsNotOneOfOursIsNeverTreatedAsOurs() {
        PidFile.Entry thisTestJvm = new PidFile.Entry("kafka", ProcessHandle.current().pid());

        assertThat(PidFile.ours(thisTestJvm)).isEmpty();
    }

    @Test
    void aMissingPidFileMeansNothingIsRunning(@TempDir Path runFolder) {
        assertThat(new PidFile(runFolder).read()).isEmpty();
    }
}
