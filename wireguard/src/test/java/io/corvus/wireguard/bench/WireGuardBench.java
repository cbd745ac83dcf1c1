package io.corvus.wireguard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.corvus.wireguard.NamespacePair;
import io.corvus.wireguard.TransportCipher;
import io.corvus.wireguard.TransportCiphers;
import io.corvus.wireguard.linux.Device;

/**
 * The Java WireGuard device against wireguard-go, in the same run on the same veth pair between two
 * network namespaces (bench/wireguard.sh): iperf3 TCP with 1 and 8 streams between the tunnel
 * addresses, Java device on both ends (as it runs, then with the JDK's cipher instead of the one it
 * chose, then with no cipher at all ({@link NoTransportCipher}: what the path costs beside its
 * encryption), then with a crypto helper thread), then wireguard-go on both ends, then each sending to the
 * other (the Java device to wireguard-go, wireguard-go to the Java device), then the bare veth pair.
 * The Java pair and the wireguard-go pair also carry iperf3 over IPv6 inside ({@code _ipv6_}).
 * Prints Gbit/s, the devices' CPU seconds per GB carried, and the ratios as name=value lines.
 * Arguments: [seconds per test, default 10] [--against=DIR: this build's Java pair against the build in DIR
 * instead, see {@link #compareBuilds}].
 */
public final class WireGuardBench {

    private static final Pattern RECEIVED = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bytes\"\\s*:\\s*([0-9.e+]+)[^}]*?"
            + "\"bits_per_second\"\\s*:\\s*([0-9.e+]+)");
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private WireGuardBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = List.of(args);
        int seconds = arguments.stream().filter(a -> !a.startsWith("--")).findFirst().map(Integer::parseInt).orElse(10);
        Path work = Files.createTempDirectory("corvus-wireguard-bench");
        Optional<String> against = arguments.stream().filter(a -> a.startsWith("--against=")).findFirst()
                .map(a -> a.substring("--against=".length()));
        if (against.isPresent()) {
            compareBuilds(work, seconds, Path.of(against.get()));
            return;
        }
        Map<String, String> figures = new LinkedHashMap<>();
        try (NamespacePair lab = NamespacePair.create(Path.of(""), "wgb")) {
            for (String kind : List.of("java", "java_jdk_cipher", "java_without_cipher", "java_with_a_helper", "wireguard_go", "java_to_wireguard_go", "wireguard_go_to_java")) {
                start(lab, work, kind);
                measure(lab, seconds).forEach((streams, measured) -> {
                    figures.put("gbps_" + kind + "_" + streams, fmt(measured.gbps()));
                    figures.put("cpu_s_per_gb_" + kind + "_" + streams, fmt(measured.cpuSecondsPerGb()));
                });
                if (kind.equals("java") || kind.equals("wireguard_go")) { // the same pair, IPv6 inside
                    lab.addTunnelIpv6(1);
                    lab.addTunnelIpv6(2);
                    iperf(lab, lab.tunnelAddress6(2), 3, 1);
                    for (int streams : new int[] {1, 8}) {
                        figures.put("gbps_" + kind + "_ipv6_" + streams, fmt(iperf(lab, lab.tunnelAddress6(2), seconds, streams)[1] / 1e9));
                    }
                }
                lab.stopDevices();
            }
            for (int streams : new int[] {1, 8}) {
                figures.put("gbps_veth_" + streams, fmt(iperf(lab, lab.underlayAddress(2), seconds, streams)[1] / 1e9));
            }
        }
        for (int streams : new int[] {1, 8}) {
            figures.put("ratio_java_vs_wireguard_go_" + streams, fmt(ratio(figures, "gbps_java_" + streams, "gbps_wireguard_go_" + streams)));
            figures.put("ratio_java_vs_wireguard_go_ipv6_" + streams,
                    fmt(ratio(figures, "gbps_java_ipv6_" + streams, "gbps_wireguard_go_ipv6_" + streams)));
            figures.put("ratio_java_vs_veth_" + streams, fmt(ratio(figures, "gbps_java_" + streams, "gbps_veth_" + streams)));
            figures.put("cpu_per_gb_java_vs_wireguard_go_" + streams,
                    fmt(ratio(figures, "cpu_s_per_gb_java_" + streams, "cpu_s_per_gb_wireguard_go_" + streams)));
            figures.put("ratio_java_vs_java_jdk_cipher_" + streams, fmt(ratio(figures, "gbps_java_" + streams, "gbps_java_jdk_cipher_" + streams)));
            figures.put("cpu_per_gb_java_vs_java_jdk_cipher_" + streams,
                    fmt(ratio(figures, "cpu_s_per_gb_java_" + streams, "cpu_s_per_gb_java_jdk_cipher_" + streams)));
            figures.put("cpu_s_per_gb_java_minus_without_cipher_" + streams,
                    fmt(difference(figures, "cpu_s_per_gb_java_" + streams, "cpu_s_per_gb_java_without_cipher_" + streams)));
            figures.put("ratio_java_without_cipher_vs_veth_" + streams,
                    fmt(ratio(figures, "gbps_java_without_cipher_" + streams, "gbps_veth_" + streams)));
            figures.put("ratio_java_with_a_helper_vs_without_" + streams,
                    fmt(ratio(figures, "gbps_java_with_a_helper_" + streams, "gbps_java_" + streams)));
        }
        figures.forEach((name, value) -> System.out.println(name + "=" + value));
    }

    /**
     * This build's Java pair against another build's ({@code --against}, its {@code wireguard/target/classes}
     * in place of this one's, on this build's dependencies): five rounds, the builds taking turns
     * and each going first in turn, each round a fresh pair, a warm-up and a test of 1 and of 8
     * streams. Prints every round's figures, their medians, and as ratios the medians of the
     * per-round ratios ({@code ratio_vs_base_*}: throughput; {@code ratio_cpu_vs_base_*}: CPU per GB).
     */
    private static void compareBuilds(Path work, int seconds, Path base) throws IOException, InterruptedException {
        String thisClassPath = System.getProperty("java.class.path");
        String ownClasses = Path.of("wireguard", "target", "classes").toString();
        Path baseClasses = base.resolve(ownClasses);
        if (!Files.isDirectory(baseClasses) || !List.of(thisClassPath.split(":")).contains(ownClasses)) {
            throw new IllegalArgumentException("--against names a build's root directory, with " + ownClasses + " (tools/build-against.sh"
                    + " makes one); " + baseClasses + " is none, or this class path has no " + ownClasses);
        }
        Map<String, String> builds = new LinkedHashMap<>();
        builds.put("this", thisClassPath);
        builds.put("base", String.join(":", List.of(thisClassPath.split(":")).stream()
                .map(entry -> entry.equals(ownClasses) ? baseClasses.toString() : entry).toList()));
        int rounds = 5;
        Map<String, List<Double>> results = new LinkedHashMap<>();
        try (NamespacePair lab = NamespacePair.create(Path.of(""), "wgb")) {
            for (int round = 0; round < rounds; round++) {
                List<String> order = round % 2 == 0 ? List.of("this", "base") : List.of("base", "this");
                for (String build : order) {
                    lab.startPair(work, 51820, true, builds.get(build), List.of());
                    measure(lab, seconds).forEach((streams, measured) -> {
                        results.computeIfAbsent("gbps_" + build + "_" + streams, k -> new ArrayList<>()).add(measured.gbps());
                        results.computeIfAbsent("cpu_s_per_gb_" + build + "_" + streams, k -> new ArrayList<>()).add(measured.cpuSecondsPerGb());
                    });
                    lab.stopDevices();
                }
            }
        }
        Map<String, String> figures = new LinkedHashMap<>();
        for (int streams : new int[] {1, 8}) {
            for (String figure : List.of("gbps_", "cpu_s_per_gb_")) {
                for (String build : builds.keySet()) {
                    List<Double> values = results.get(figure + build + "_" + streams);
                    figures.put(figure + build + "_" + streams, fmt(median(values)));
                    figures.put(figure + build + "_" + streams + "_rounds", String.join(",", values.stream().map(WireGuardBench::fmt).toList()));
                }
                List<Double> ratios = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    ratios.add(results.get(figure + "this_" + streams).get(round) / results.get(figure + "base_" + streams).get(round));
                }
                String name = figure.equals("gbps_") ? "ratio_vs_base_" : "ratio_cpu_vs_base_";
                figures.put(name + streams, fmt(median(ratios)));
                figures.put(name + streams + "_rounds", String.join(",", ratios.stream().map(WireGuardBench::fmt).toList()));
            }
        }
        figures.forEach((name, value) -> System.out.println(name + "=" + value));
    }

    private record Measured(double gbps, double cpuSecondsPerGb) {
    }

    /** The running pair, after a warm-up (the JIT, the handshake): iperf3 over IPv4 inside with 1 and with 8 streams, by streams. */
    private static Map<Integer, Measured> measure(NamespacePair lab, int seconds) throws IOException, InterruptedException {
        iperf(lab, lab.tunnelAddress(2), 3, 1);
        Map<Integer, Measured> measured = new LinkedHashMap<>();
        for (int streams : new int[] {1, 8}) {
            double cpuBefore = cpuSeconds(lab.devices());
            double[] result = iperf(lab, lab.tunnelAddress(2), seconds, streams);
            double cpu = cpuSeconds(lab.devices()) - cpuBefore;
            measured.put(streams, new Measured(result[1] / 1e9, cpu / (result[0] / 1e9)));
        }
        return measured;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static void start(NamespacePair lab, Path work, String kind) throws IOException, InterruptedException {
        if (kind.equals("java_to_wireguard_go") || kind.equals("wireguard_go_to_java")) {
            int javaSide = kind.startsWith("java") ? 1 : 2; // iperf3 sends from side 1
            lab.startJavaAndWireguardGo(work, javaSide, 51820 + javaSide, 51823 - javaSide, List.of());
            return;
        }
        if (kind.equals("java_without_cipher")) {
            // NoTransportCipher is found as a service only on this pair's class path, and loads only when named
            Path services = work.resolve("without-cipher");
            Path listing = services.resolve("META-INF/services/" + TransportCipher.class.getName());
            Files.createDirectories(listing.getParent());
            Files.writeString(listing, NoTransportCipher.class.getName() + "\n");
            lab.startPair(work, 51820, true, System.getProperty("java.class.path") + ":" + services,
                    List.of("-D" + TransportCiphers.PROPERTY + "=" + NoTransportCipher.NAME));
            return;
        }
        boolean java = kind.startsWith("java");
        List<String> options = switch (kind) {
            case "java_with_a_helper" -> List.of("-D" + Device.CRYPTO_HELPERS_PROPERTY + "=1");
            case "java_jdk_cipher" -> List.of("-D" + TransportCiphers.PROPERTY + "=jdk");
            default -> List.of();
        };
        lab.startPair(work, 51820, java, options);
    }

    /** Bytes received and bits per second of an iperf3 TCP test from side 1 to {@code address} on side 2. */
    private static double[] iperf(NamespacePair lab, String address, int seconds, int streams) throws IOException, InterruptedException {
        Process server = lab.serveIperf(2, address);
        try {
            String json = lab.run(1, "iperf3", "-c", address, "-t", String.valueOf(seconds), "-P", String.valueOf(streams), "-J");
            Matcher matcher = RECEIVED.matcher(json);
            if (!matcher.find()) {
                throw new IllegalStateException("iperf3 said no sum_received: " + json);
            }
            return new double[] {Double.parseDouble(matcher.group(1)), Double.parseDouble(matcher.group(2))};
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /** User and system CPU of the processes and their descendants (wireguard-go runs under ip netns exec's pid: itself). */
    private static double cpuSeconds(List<Process> processes) throws IOException {
        long ticks = 0;
        for (Process process : processes) {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        }
        return ticks / (double) CLOCK_TICKS_PER_SECOND;
    }

    private static double ratio(Map<String, String> figures, String numerator, String denominator) {
        return Double.parseDouble(figures.get(numerator)) / Double.parseDouble(figures.get(denominator));
    }

    private static double difference(Map<String, String> figures, String minuend, String subtrahend) {
        return Double.parseDouble(figures.get(minuend)) - Double.parseDouble(figures.get(subtrahend));
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
