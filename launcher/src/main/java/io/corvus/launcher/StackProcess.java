package io.corvus.launcher;

import java.nio.file.Path;
import java.util.List;

/** One process the launcher started: what it is, where it answers, where it logs, and how it was started. */
record StackProcess(String name, Process process, String address, Path log, List<String> command) {

    StackProcess {
        command = List.copyOf(command);
    }

    long pid() {
        return process.pid();
    }
}
