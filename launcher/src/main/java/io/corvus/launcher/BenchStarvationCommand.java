package io.corvus.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.corvus.events.payload.CorvusEvent;
import io.corvus.events.payload.GatewayTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The false-failover count on a starved machine: a fresh local stack, every core kept busy by
 * other processes, and the elected edge gateway's agent frozen (SIGSTOP) again and again. Pauses
 * shorter than the heartbeat window must change no gateway; each pause much longer than it must
 * change the gateway exactly once (and not back when the agent wakes). Prints name=value lines
 * and exits 1 on a false failover.
 */
@Command(name = "bench-starvation", mixinStandardHelpOptions = true,
        description = "Counts gateway changes while the edge gateway's agent is paused again and again on a saturated machine "
                + "(prints name=value lines; exit 1 on a false failover).")
final class BenchStarvationCommand implements Callable<Integer> {

    @ParentCommand
    CorvusCommand corvus;

    @Option(names = "--short-pauses", defaultValue = "50", description = "Pauses shorter than the window (default: ${DEFAULT-VALUE}).")
    int shortPauses;

    @Option(names = "--short-pause", defaultValue = "PT2S", description = "Each short pause (default: ${DEFAULT-VALUE}; the window is 3 s).")
    Duration shortPause;

    @Option(names = "--long-pauses", defaultValue = "3", description = "Pauses well past the window (default: ${DEFAULT-VALUE}).")
    int longPauses;

    @Option(names = "--long-pause", defaultValue = "PT12S", description = "Each long pause (default: ${DEFAULT-VALUE}).")
    Duration longPause;

    @Option(names = "--busy", description = "Busy-loop processes beside the stack (default: one more than the cores).")
    Integer busy;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path runFolder = corvus.layout().freshRunFolder("bench-starvation");
        LocalInventory inventory = LocalInventory.read(corvus.layout().inventory());
        String clusterId = inventory.clusterId();
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        List<Process> burners = new ArrayList<>();
        try (LocalStack stack = new LocalStack(corvus.layout(), runFolder, quiet)) {
            out.println("# starting a fresh stack (" + runFolder + ")");
            stack.start(LocalStack.Ports.free(), inventory, Set.of());
            ConfigApi.Reply configured = new ConfigApi(stack.address("config-service"), stack.tokens().admin()).put(clusterId, DemoCommand.LOCAL_PROXY_CONFIG, null);
            if (configured.status() != 201 && configured.status() != 200) {
                out.println("# the configuration was refused: " + configured.body());
                return 1;
            }
            try (EventWatcher watcher = EventWatcher.fromBeginning(stack.connection(), quiet).start()) {
                if (!DemoCommand.awaitLinkUp(watcher, clusterId, out)) {
                    return 1;
                }
                int burnerCount = busy != null ? busy : Runtime.getRuntime().availableProcessors() + 1;
                for (int i = 0; i < burnerCount; i++) {
                    burners.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
                }
                out.printf(Locale.ROOT, "# %d busy processes beside the stack; %d pauses of %d ms%n", burnerCount, shortPauses,
                        shortPause.toMillis());
                int falseFailovers = 0;
                for (int i = 0; i < shortPauses; i++) {
                    falseFailovers += pause(stack, watcher, clusterId, shortPause, Duration.ofSeconds(1));
                }
                out.printf(Locale.ROOT, "# %d pauses of %d ms%n", longPauses, longPause.toMillis());
                List<Integer> longChanges = new ArrayList<>();
                for (int i = 0; i < longPauses; i++) {
                    longChanges.add(pause(stack, watcher, clusterId, longPause, Duration.ofSeconds(5)));
                    if (!DemoCommand.awaitLinkUp(watcher, clusterId, out)) {
                        return 1;
                    }
                }
                out.printf(Locale.ROOT, "busy_processes=%d%nload_average=%.1f%nshort_pauses=%d%nshort_pause_ms=%d%nfalse_failovers=%d%n"
                        + "long_pauses=%d%nlong_pause_ms=%d%nlong_pause_changes=%s%n", burnerCount, loadAverage(), shortPauses,
                        shortPause.toMillis(), falseFailovers, longPauses, longPause.toMillis(), longChanges);
                return falseFailovers == 0 && longChanges.stream().allMatch(changes -> changes == 1) ? 0 : 1;
            }
        } finally {
            burners.forEach(Process::destroyForcibly);
        }
    }

    /**
     * Freezes the agent of the edge gateway elected now for {@code pause}, wakes it, lets
     * {@code settle} pass, and counts the gateway changes of the edge pool meanwhile.
     */
    private static int pause(LocalStack stack, EventWatcher watcher, String clusterId, Duration pause, Duration settle)
            throws IOException, InterruptedException {
        List<CorvusEvent> before = watcher.seen();
        String agent = "agent-" + DemoCommand.electedEdgeGateway(before, clusterId).orElseThrow();
        stack.signal(agent, "STOP");
        try {
            TimeUnit.MILLISECONDS.sleep(pause.toMillis()); // the pause under test: its length is the point
        } finally {
            stack.signal(agent, "CONT");
        }
        TimeUnit.MILLISECONDS.sleep(settle.toMillis());
        List<CorvusEvent> after = watcher.seen();
        return changes(after.subList(before.size(), after.size()), lastEndpoints(before, clusterId), clusterId);
    }

    /** How many edge-pool topologies among {@code events} changed the endpoints from the ones before. */
    static int changes(List<CorvusEvent> events, List<String> endpoints, String clusterId) {
        int changes = 0;
        List<String> current = endpoints;
        for (CorvusEvent event : events) {
            if (event instanceof GatewayTopology t && t.clusterId().equals(clusterId) && t.gatewayName().equals(DemoCommand.EDGE_POOL)) {
                List<String> next = names(t);
                if (!Objects.equals(next, current)) {
                    changes++;
                    current = next;
                }
            }
        }
        return changes;
    }

    private static List<String> lastEndpoints(List<CorvusEvent> seen, String clusterId) {
        return seen.stream().filter(e -> e instanceof GatewayTopology t && t.clusterId().equals(clusterId)
                && t.gatewayName().equals(DemoCommand.EDGE_POOL)).map(e -> names((GatewayTopology) e)).reduce((a, b) -> b).orElse(List.of());
    }

    private static List<String> names(GatewayTopology topology) {
        return topology.endpoints().stream().map(GatewayTopology.Endpoint::nodeName).toList();
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
