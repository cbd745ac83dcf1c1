package io.corvus.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a test cost this machine's processors, read from {@code /proc}: all of them busy (user,
 * system, interrupts: everything but idle and I/O wait), and, of that, the threads of tunnel
 * devices in user space (the Java device's {@code wg-} threads, wireguard-go's). For a benchmark
 * where every part of a path shares the same cores: how much the device costs, and how much the
 * rest of the path (the kernel's hops, the iperf3 ends) does.
 */
final class CpuMeter {

    /** Linux counts processor time in clock ticks of 1/100 s ({@code getconf CLK_TCK}) on every architecture it runs iperf3 on here. */
    private static final double TICKS_PER_SECOND = 100;

    /** Processor time up to a moment, in seconds. */
    record Reading(double busy, double tunnelDevices) {

        Reading since(Reading earlier) {
            return new Reading(busy - earlier.busy, tunnelDevices - earlier.tunnelDevices);
        }
    }

    private CpuMeter() {
    }

    static Reading read() throws IOException {
        return new Reading(busySeconds(Files.readAllLines(Path.of("/proc/stat")).getFirst()), tunnelDeviceSeconds());
    }

    /** The processors this machine counts in {@code /proc/stat}. */
    static int processors() throws IOException {
        return (int) Files.readAllLines(Path.of("/proc/stat")).stream().filter(line -> line.matches("cpu\\d+ .*")).count();
    }

    /** The busy time of the first line of {@code /proc/stat}: user, nice, system, irq, softirq and steal, not idle and iowait. */
    static double busySeconds(String cpuLine) {
        List<String> fields = List.of(cpuLine.trim().split("\\s+"));
        if (!fields.getFirst().equals("cpu") || fields.size() < 9) {
            throw new IllegalArgumentException("not the summary line of /proc/stat: " + cpuLine);
        }
        long busy = 0;
        for (int field : new int[] {1, 2, 3, 6, 7, 8}) {
            busy += Long.parseLong(fields.get(field));
        }
        return busy / TICKS_PER_SECOND;
    }

    /** Whether a thread's name is one of a tunnel device's: the Java device names its threads {@code wg-*}; Go's threads carry the program's name. */
    static boolean isTunnelDeviceThread(String threadName) {
        return threadName.startsWith("wg-") || threadName.equals("wireguard-go");
    }

    /**
     * The user and system time of a thread from its {@code stat} line (fields 14 and 15, counted
     * after the name, which may hold spaces and parentheses).
     */
    static double threadSeconds(String statLine) {
        String[] after = statLine.substring(statLine.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(after[11]) + Long.parseLong(after[12])) / TICKS_PER_SECOND;
    }

    static String threadName(String statLine) {
        return statLine.substring(statLine.indexOf('(') + 1, statLine.lastIndexOf(')'));
    }

    private static double tunnelDeviceSeconds() throws IOException {
        double seconds = 0;
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), entry -> entry.getFileName().toString().matches("\\d+"))) {
            for (Path process : processes) {
                try (DirectoryStream<Path> threads = Files.newDirectoryStream(process.resolve("task"))) {
                    for (Path thread : threads) {
                        String stat = Files.readString(thread.resolve("stat"));
                        if (isTunnelDeviceThread(threadName(stat))) {
                            seconds += threadSeconds(stat);
                        }
                    }
                } catch (IOException gone) {
                    // a process or thread that ended while it was read: it ran no device of the path measured
                }
            }
        }
        return seconds;
    }
}
