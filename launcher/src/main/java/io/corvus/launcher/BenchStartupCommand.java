package io.corvus.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CorvusEvent;
import io.corvus.events.payload.GatewayTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * False failovers while a stack starts: a fresh stack again and again, configured at once, and the
 * edge pool's gateway changes counted from its first election until a while after the link is up.
 * Every agent, service and the broker start together on the machine's cores, so agents are slow
 * for their first seconds; none of that may move a gateway. Also the largest gap between two
 * heartbeats of one agent. Prints name=value lines; exits 1 on a false failover.
 */
@Command(name = "bench-startup", mixinStandardHelpOptions = true,
        description = "Counts gateway changes while fresh stacks start (prints name=value lines; exit 1 on a false failover).")
final class BenchStartupCommand implements Callable<Integer> {

    @ParentCommand
    CorvusCommand corvus;

    @Option(names = "--starts", defaultValue = "3", description = "Fresh stacks, one after the other (default: ${DEFAULT-VALUE}).")
    int starts;

    @Option(names = "--watch", defaultValue = "PT20S", description = "How long to keep counting once the link is up (default: ${DEFAULT-VALUE}).")
    Duration watch;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        LocalInventory inventory = LocalInventory.read(corvus.layout().inventory());
        String clusterId = inventory.clusterId();
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        List<Integer> falseChanges = new ArrayList<>();
        long largestGap = 0;
        for (int start = 1; start <= starts; start++) {
            Path runFolder = corvus.layout().freshRunFolder("bench-startup");
            try (LocalStack stack = new LocalStack(corvus.layout(), runFolder, quiet)) {
                out.println("# start " + start + " of " + starts);
                stack.start(LocalStack.Ports.free(), inventory, Set.of());
                new ConfigApi(stack.address("config-service"), stack.tokens().admin()).put(clusterId, DemoCommand.LOCAL_PROXY_CONFIG, null);
                try (EventWatcher watcher = EventWatcher.fromBeginning(stack.connection(), quiet).start()) {
                    if (!DemoCommand.awaitLinkUp(watcher, clusterId, out)) {
                        return 1;
                    }
                    TimeUnit.MILLISECONDS.sleep(watch.toMillis()); // the time watched is the measurement's span
                    List<CorvusEvent> seen = watcher.seen();
                    int first = firstElection(seen, clusterId);
                    falseChanges.add(BenchStarvationCommand.changes(seen.subList(first + 1, seen.size()), names(seen.get(first)), clusterId));
                    largestGap = Math.max(largestGap, largestHeartbeatGap(seen));
                }
            }
        }
        int total = falseChanges.stream().mapToInt(Integer::intValue).sum();
        out.printf(Locale.ROOT, "starts=%d%nfalse_changes_per_start=%s%nfalse_changes=%d%nlargest_heartbeat_gap_ms=%d%n", starts, falseChanges,
                total, largestGap);
        return total == 0 ? 0 : 1;
    }

    /** The index of the edge pool's first topology with an endpoint. */
    private static int firstElection(List<CorvusEvent> seen, String clusterId) {
        for (int i = 0; i < seen.size(); i++) {
            if (seen.get(i) instanceof GatewayTopology t && t.clusterId().equals(clusterId) && t.gatewayName().equals(DemoCommand.EDGE_POOL)
                    && !t.endpoints().isEmpty()) {
                return i;
            }
        }
        throw new IllegalStateException("the edge pool was never elected");
    }

    private static List<String> names(CorvusEvent topology) {
        return ((GatewayTopology) topology).endpoints().stream().map(GatewayTopology.Endpoint::nodeName).toList();
    }

    /** The largest time between two consecutive heartbeats of one agent (its stopping beat aside). */
    private static long largestHeartbeatGap(List<CorvusEvent> seen) {
        Map<String, AgentHeartbeat> last = new HashMap<>();
        long largest = 0;
        for (CorvusEvent event : seen) {
            if (event instanceof AgentHeartbeat beat && !beat.stopping()) {
                AgentHeartbeat before = last.put(beat.nodeName(), beat);
                if (before != null) {
                    largest = Math.max(largest, Duration.between(before.sentAt(), beat.sentAt()).toMillis());
                }
            }
        }
        return largest;
    }
}
