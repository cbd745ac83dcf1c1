package io.corvus.agent.boot;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts this process's program again in its place: {@code execv} of {@code /proc/self/exe} with the
 * command line it was started with, through the FFM API. The process keeps its id, its parent, its
 * standard streams and its environment; nothing of the old JVM stays (classes, compiled code, native
 * libraries, buffer pools), which no in-process clean-up can give back. Every other descriptor is
 * marked close-on-exec first, so the new program finds its ports free.
 */
final class InPlaceRestart {

    private static final int CLOSE_RANGE_CLOEXEC = 1 << 2;
    private static final int FIRST_BEYOND_STANDARD_STREAMS = 3;
    private static final int UP_TO_THE_LAST_DESCRIPTOR = -1; // ~0U

    private final List<String> commandLine;
    private final MethodHandle closeRange;
    private final MethodHandle execv;
    private final VarHandle errno;

    private InPlaceRestart(List<String> commandLine, MethodHandle closeRange, MethodHandle execv, VarHandle errno) {
        this.commandLine = commandLine;
        this.closeRange = closeRange;
        this.execv = execv;
        this.errno = errno;
    }

    /**
     * Finds what a restart needs, before the agent stops for it: the command line and the C library's calls.
     *
     * @throws IOException when this system cannot restart a process in place (not Linux, no /proc, a C
     *                     library without close_range), with the reason
     */
    static InPlaceRestart prepare() throws IOException {
        String raw = new String(Files.readAllBytes(Path.of("/proc/self/cmdline")), StandardCharsets.UTF_8);
        List<String> commandLine = List.of(raw.split("\0"));
        if (commandLine.getFirst().isEmpty()) {
            throw new IOException("/proc/self/cmdline holds no command line");
        }
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option keepErrno = Linker.Option.captureCallState("errno");
        MethodHandle closeRange = linker.downcallHandle(libc.find("close_range")
                .orElseThrow(() -> new IOException("the C library has no close_range (glibc 2.34 or later has)")),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), keepErrno);
        MethodHandle execv = linker.downcallHandle(libc.find("execv").orElseThrow(() -> new IOException("the C library has no execv")),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), keepErrno);
        VarHandle errno = Linker.Option.captureStateLayout().varHandle(PathElement.groupElement("errno"));
        return new InPlaceRestart(commandLine, closeRange, execv, errno);
    }

    /** Returns only if the program could not be started again; the process then still runs the old one. */
    void exec() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = arena.allocate(Linker.Option.captureStateLayout());
            MemorySegment argv = arena.allocate(ADDRESS, commandLine.size() + 1L);
            for (int i = 0; i < commandLine.size(); i++) {
                argv.setAtIndex(ADDRESS, i, arena.allocateFrom(commandLine.get(i)));
            }
            argv.setAtIndex(ADDRESS, commandLine.size(), MemorySegment.NULL);
            if ((int) closeRange.invokeExact(callState, FIRST_BEYOND_STANDARD_STREAMS, UP_TO_THE_LAST_DESCRIPTOR, CLOSE_RANGE_CLOEXEC) != 0) {
                throw new IOException("close_range failed with errno " + (int) errno.get(callState, 0L));
            }
            int failed = (int) execv.invokeExact(callState, arena.allocateFrom("/proc/self/exe"), argv);
            throw new IOException("execv of /proc/self/exe failed (" + failed + ", errno " + (int) errno.get(callState, 0L) + ")");
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("the restart's native call failed: " + e, e);
        }
    }
}
