package io.corvus.agent.tunnel.linux;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the node's own networking tools ({@code ip}, {@code bridge}, {@code wg}, {@code nft}): each
 * call waits for the tool, at most a few seconds, and fails with the tool's own words.
 */
public class Commands {

    /** A tool that answered with an error, or did not answer in time. */
    public static final class Failed extends RuntimeException {
        private final int exitCode;
        private final String stderr;

        Failed(List<String> command, int exitCode, String stderr) {
            super(String.join(" ", command) + " failed (exit " + exitCode + "): " + stderr.strip(), null, false, false);
            this.exitCode = exitCode;
            this.stderr = stderr;
        }

        public int exitCode() {
            return exitCode;
        }

        public String stderr() {
            return stderr;
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Runs the command and returns what it printed; throws {@link Failed} unless it exits 0. */
    public String run(String... command) {
        return run(List.of(command), null);
    }

    /** Runs the command with {@code input} on its standard input (for {@code nft -f -}). */
    public String runWithInput(String input, String... command) {
        return run(List.of(command), input);
    }

    private String run(List<String> command, String input) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(input == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                    : ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new Failed(command, -1, "cannot start " + command.getFirst() + ": " + e.getMessage()
                    + " (tunnel mode needs iproute2, wireguard-tools and nftables on the node)");
        }
        try {
            // both streams read on threads of their own: neither pipe can fill while the other is read, and a tool that hangs
            // cannot hold the caller past the timeout
            CompletableFuture<byte[]> out = drain(process.getInputStream());
            CompletableFuture<byte[]> errors = drain(process.getErrorStream());
            if (input != null) {
                try (var stdin = process.getOutputStream()) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new Failed(command, -1, "no answer within " + TIMEOUT.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                throw new Failed(command, process.exitValue(), new String(errors.join(), StandardCharsets.UTF_8));
            }
            return new String(out.join(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            process.destroyForcibly();
            throw new Failed(command, -1, e.getMessage());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new Failed(command, -1, "interrupted");
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        CompletableFuture<byte[]> bytes = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (stream) {
                bytes.complete(stream.readAllBytes());
            } catch (IOException e) {
                bytes.complete(new byte[0]);
            }
        });
        return bytes;
    }
}
