package io.corvus.launcher;

import java.nio.file.Path;

/** One process the launcher started: what it is, where it answers, where it logs. */
record StackProcess(String name, Process process, String address, Path log) {

    long pid() {
        return process.pid();
    }
}
