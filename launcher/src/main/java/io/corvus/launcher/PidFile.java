package io.corvus.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The processes of a running stack, one {@code name pid} per line, so that {@code ./corvus down}
 * can stop a stack left running. Only processes whose command line is one of ours are stopped:
 * a pid reused by another program is left alone.
 */
final class PidFile {

    record Entry(String name, long pid) {
    }

    private final Path file;

    PidFile(Path runFolder) {
        this.file = runFolder.resolve("stack.pids");
    }

    Path path() {
        return file;
    }

    void write(List<StackProcess> processes) {
        StringBuilder text = new StringBuilder();
        processes.forEach(p -> text.append(p.name()).append(' ').append(p.pid()).append('\n'));
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    List<Entry> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file).stream()
                    .map(String::trim)
                    .filter(line -> !line.isEmpty())
                    .map(line -> line.split("\\s+"))
                    .filter(parts -> parts.length == 2 && parts[1].matches("\\d+"))
                    .map(parts -> new Entry(parts[0], Long.parseLong(parts[1])))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    /** The live process of an entry, if it is still one the launcher started. */
    static Optional<ProcessHandle> ours(Entry entry) {
        return ProcessHandle.of(entry.pid())
                .filter(ProcessHandle::isAlive)
                .filter(handle -> handle.info().commandLine()
                        .map(command -> command.contains("quarkus-run.jar") || command.contains("agent.jar")
                                || command.contains("KraftBrokerMain"))
                        .orElse(false));
    }
}
