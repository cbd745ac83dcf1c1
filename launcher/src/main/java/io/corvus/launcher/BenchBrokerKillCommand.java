package io.corvus.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.corvus.events.Topic;
import io.corvus.events.kafka.TopicSnapshot;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The broker killed (SIGKILL) during a storm of configuration writes, and started again: every
 * write that was acknowledged (2xx) must be on the topic afterwards, the services must go on
 * without a restart (a change after the outage reaches the topology), and the agents must keep
 * forwarding through their link meanwhile. Prints name=value lines; exits 1 when anything
 * acknowledged was lost or the services did not recover.
 */
@Command(name = "bench-broker-kill", mixinStandardHelpOptions = true,
        description = "Kills the broker during a storm of configuration writes and starts it again; checks that nothing acknowledged "
                + "was lost (prints name=value lines; exit 1 on a loss).")
final class BenchBrokerKillCommand implements Callable<Integer> {

    private static final String RECOVERY_CIDR = "192.0.2.0/24";

    @ParentCommand
    CorvusCommand corvus;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent writers, each on a cluster of its own (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--before", defaultValue = "PT5S", description = "Storm before the kill (default: ${DEFAULT-VALUE}).")
    Duration before;

    @Option(names = "--outage", defaultValue = "PT10S", description = "How long the broker stays dead (default: ${DEFAULT-VALUE}).")
    Duration outage;

    @Option(names = "--after", defaultValue = "PT10S", description = "Storm after the broker is back (default: ${DEFAULT-VALUE}).")
    Duration after;

    /** What the storm and the forwarding saw, counted by phase. */
    private static final class Tally {
        final Map<String, Set<Long>> acknowledged = new ConcurrentHashMap<>();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger forwardedDuringOutage = new AtomicInteger();
        final AtomicInteger notForwardedDuringOutage = new AtomicInteger();
        final AtomicBoolean outage = new AtomicBoolean();
        final AtomicBoolean running = new AtomicBoolean(true);
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path runFolder = corvus.layout().freshRunFolder("bench-broker-kill");
        LocalInventory inventory = LocalInventory.read(corvus.layout().inventory());
        String clusterId = inventory.clusterId();
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        try (LocalStack stack = new LocalStack(corvus.layout(), runFolder, quiet); DemoKubelet kubelet = DemoKubelet.start()) {
            out.println("# starting a fresh stack (" + runFolder + ")");
            stack.start(LocalStack.Ports.free(), inventory, Set.of(kubelet.port()));
            ConfigApi api = new ConfigApi(stack.address("config-service"), stack.tokens().admin());
            if (api.put(clusterId, DemoCommand.LOCAL_PROXY_CONFIG, null).status() / 100 != 2) {
                out.println("# the configuration was refused");
                return 1;
            }
            int door;
            String target;
            try (EventWatcher watcher = EventWatcher.fromBeginning(stack.connection(), quiet).start()) {
                if (!DemoCommand.awaitLinkUp(watcher, clusterId, out)) {
                    return 1;
                }
                door = stack.agentPorts(DemoCommand.electedGateway(watcher.seen(), clusterId, "cloud").orElseThrow()).http();
                String gateway = DemoCommand.electedEdgeGateway(watcher.seen(), clusterId).orElseThrow();
                target = DemoCommand.edgeNodes(watcher.seen(), clusterId).stream().filter(n -> !n.equals(gateway)).findFirst()
                        .orElse(gateway) + ":" + kubelet.port();
            }
            Tally tally = new Tally();
            List<Future<?>> work = new ArrayList<>();
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                try {
                    for (int client = 0; client < clients; client++) {
                        String cluster = "storm-" + client;
                        work.add(executor.submit(() -> storm(api, cluster, tally)));
                    }
                    work.add(executor.submit(() -> forward(door, target, tally)));
                    outage(stack, tally, out);
                } finally {
                    tally.running.set(false); // the executor's close waits for every task
                }
                for (Future<?> done : work) {
                    done.get();
                }
            }
            int lost = 0;
            long acknowledged = 0;
            for (Map.Entry<String, Set<Long>> cluster : tally.acknowledged.entrySet()) {
                Set<Long> onTopic = new TreeSet<>(TopicSnapshot.read(stack.connection(), Topic.CONFIG, cluster.getKey()).stream()
                        .filter(e -> e.event() instanceof ConfigChanged config && config.clusterId().equals(cluster.getKey()))
                        .map(e -> ((ConfigChanged) e.event()).revision()).toList());
                Set<Long> missing = new TreeSet<>(cluster.getValue());
                missing.removeAll(onTopic);
                lost += missing.size();
                acknowledged += cluster.getValue().size();
                if (!missing.isEmpty()) {
                    out.println("# acknowledged but not on the topic: " + cluster.getKey() + " " + missing);
                }
            }
            long recoveredMs = recovery(api, stack, clusterId);
            out.printf(Locale.ROOT, "clients=%d%noutage_ms=%d%nwrites_acknowledged=%d%nwrites_refused=%d%nacknowledged_lost=%d%n"
                    + "proxy_requests_during_outage_ok=%d%nproxy_requests_during_outage_failed=%d%nchange_to_topology_after_outage_ms=%d%n",
                    clients, outage.toMillis(), acknowledged, tally.refused.get(), lost, tally.forwardedDuringOutage.get(),
                    tally.notForwardedDuringOutage.get(), recoveredMs);
            return lost == 0 && recoveredMs >= 0 && tally.notForwardedDuringOutage.get() == 0 ? 0 : 1;
        }
    }

    /** The storm's phases, which are the point of the bench: before, the broker dead, after. */
    private void outage(LocalStack stack, Tally tally, PrintStream out) throws IOException, InterruptedException {
        out.printf(Locale.ROOT, "# %d writers storming; the broker is killed in %d s%n", clients, before.toSeconds());
        TimeUnit.MILLISECONDS.sleep(before.toMillis());
        tally.outage.set(true);
        stack.kill("kafka");
        Instant killed = Instant.now();
        TimeUnit.MILLISECONDS.sleep(outage.toMillis());
        stack.restart("kafka");
        tally.outage.set(false);
        out.printf(Locale.ROOT, "# the broker is back after %d ms%n", Duration.between(killed, Instant.now()).toMillis());
        TimeUnit.MILLISECONDS.sleep(after.toMillis());
    }

    /** One writer: changes its cluster again and again, with If-Match; notes every acknowledged revision. */
    private static Void storm(ConfigApi api, String cluster, Tally tally) throws InterruptedException {
        String etag = null;
        int n = 0;
        while (tally.running.get()) {
            try {
                ConfigApi.Reply reply = etag == null ? api.put(cluster, DemoCommand.LOCAL_PROXY_CONFIG, null)
                        : api.patch(cluster, "{\"cloud\": {\"eipBandwidthMbps\": " + (1 + n++ % 900) + "}}", etag);
                if (reply.status() / 100 == 2) {
                    etag = reply.etag();
                    tally.acknowledged.computeIfAbsent(cluster, c -> ConcurrentHashMap.newKeySet()).add(revision(etag));
                    continue;
                }
                tally.refused.incrementAndGet();
                etag = reply.status() == 412 || reply.status() == 409 ? api.get(cluster).etag() : etag; // someone (an earlier try) moved on
            } catch (IOException unreachable) {
                tally.refused.incrementAndGet();
            }
            TimeUnit.MILLISECONDS.sleep(100); // refused: the service asks callers to retry
        }
        return null;
    }

    /** Requests through the proxy link all along; those sent while the broker is dead are counted. */
    private static Void forward(int door, String target, Tally tally) throws InterruptedException {
        while (tally.running.get()) {
            boolean ok;
            try {
                ok = ProxyProbe.get(door, target, "/pods").status() == 200;
            } catch (IOException e) {
                ok = false;
            }
            if (tally.outage.get()) {
                (ok ? tally.forwardedDuringOutage : tally.notForwardedDuringOutage).incrementAndGet();
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return null;
    }

    /** A change after the outage, until the elector publishes it on the topology: the services recovered without a restart. */
    private static long recovery(ConfigApi api, LocalStack stack, String clusterId) throws IOException, InterruptedException {
        Instant start = Instant.now();
        Instant deadline = start.plusSeconds(120);
        AtomicReference<String> etag = new AtomicReference<>(api.get(clusterId).etag());
        while (api.patch(clusterId, "{\"accessControlList\": \"" + DemoCommand.LOCAL_ACL + "," + RECOVERY_CIDR + "\"}", etag.get()).status() / 100 != 2) {
            if (Instant.now().isAfter(deadline)) {
                return -1;
            }
            TimeUnit.MILLISECONDS.sleep(200);
            etag.set(api.get(clusterId).etag());
        }
        while (Instant.now().isBefore(deadline)) {
            boolean published = TopicSnapshot.read(stack.connection(), Topic.TOPOLOGY, clusterId + "/").stream()
                    .map(TopicSnapshot.Entry::event).filter(GatewayTopology.class::isInstance)
                    .anyMatch(e -> ((GatewayTopology) e).accessControlList().contains(RECOVERY_CIDR));
            if (published) {
                return Duration.between(start, Instant.now()).toMillis();
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return -1;
    }

    private static long revision(String etag) {
        return Long.parseLong(etag.replace("W/", "").replace("\"", ""));
    }
}
