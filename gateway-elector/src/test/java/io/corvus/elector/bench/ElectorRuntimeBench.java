package io.corvus.elector.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import io.corvus.elector.adapter.kafka.ElectorReplica;
import io.corvus.elector.adapter.kafka.Heartbeats;
import io.corvus.elector.app.ElectionLoop;
import io.corvus.events.Raven;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.TopicBootstrap;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.NodeObserved;
import io.corvus.testing.BenchLogging;
import io.corvus.testing.TestBrokers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.awaitility.Awaitility;

/**
 * The elector at run time, on a real KRaft broker in this JVM with default heartbeat settings
 * (1 s, stale after 3 missed, tick 250 ms): steady node-update throughput (node events applied and
 * re-elected per second) and failover latency (from a gateway's last heartbeat to its successor's
 * topology acknowledged on the topic). Run by bench/elector-runtime.sh; prints name=value lines.
 */
public final class ElectorRuntimeBench {

    private static final String CLUSTER = "bench";
    private static final int POOLS = 100;
    private static final int NODES_PER_POOL = 10;

    private ElectorRuntimeBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchLogging.warningsOnly();
        int updates = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        String bootstrap = TestBrokers.bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            new TopicBootstrap(admin).ensureTopics();
        }
        try (EventPublisher upstream = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrap, "bench")),
                        EventCodec.create(), "bench");
                Heartbeats agents = new Heartbeats(bootstrap);
                ElectorReplica elector = new ElectorReplica(bootstrap,
                        ElectorReplica.settings(Duration.ofSeconds(1)))) {
            waitFor(() -> elector.owned().size() == Topic.PARTITIONS, Duration.ofSeconds(60));
            ElectionLoop loop = elector.loop();
            upstream.publish(new ConfigChanged(CLUSTER, 1, Instant.now(), "bench", config())).get();
            for (int i = 0; i < POOLS * NODES_PER_POOL; i++) {
                upstream.publish(node(i, 0));
            }
            agents.start(CLUSTER, "node-0");
            agents.start(CLUSTER, "node-100");
            waitFor(() -> elected(loop) != null, Duration.ofSeconds(60));

            long start = System.nanoTime();
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (int u = 1; u <= updates; u++) {
                acks.add(upstream.publish(node(u % (POOLS * NODES_PER_POOL), u)));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
            int last = updates % (POOLS * NODES_PER_POOL);
            String lastCidr = cidr(updates);
            waitFor(() -> loop.topologies(CLUSTER).getOrDefault("pool-" + (last % POOLS), null) != null
                    && loop.topologies(CLUSTER).get("pool-" + (last % POOLS)).members().stream()
                    .anyMatch(m -> m.nodeName().equals("node-" + last) && m.podCidrs().contains(lastCidr)), Duration.ofSeconds(120));
            double seconds = (System.nanoTime() - start) / 1e9;

            double[] failovers = new double[5];
            for (int round = 0; round < failovers.length; round++) {
                String gateway = elected(loop);
                String successor = gateway.equals("node-0") ? "node-100" : "node-0";
                agents.silence(CLUSTER, gateway);
                long silenced = System.nanoTime();
                waitFor(() -> successor.equals(elected(loop)), Duration.ofSeconds(30));
                failovers[round] = (System.nanoTime() - silenced) / 1e6;
                agents.start(CLUSTER, gateway);
                // The next round silences the new gateway; its predecessor must be a fresh candidate by then.
                Awaitility.await().pollDelay(Duration.ofMillis(1_500)).until(() -> true);
            }
            Arrays.sort(failovers);
            System.out.printf(Locale.ROOT, "nodes=%d%npools=%d%nnode_updates=%d%nnode_updates_per_sec=%.0f%n",
                    POOLS * NODES_PER_POOL, POOLS, updates, updates / seconds);
            System.out.printf(Locale.ROOT, "heartbeat_interval_ms=1000%nmissed_beats=3%nfailover_ms_min=%.0f%nfailover_ms_median=%.0f%nfailover_ms_max=%.0f%n",
                    failovers[0], failovers[failovers.length / 2], failovers[failovers.length - 1]);
        }
        System.exit(0);
    }

    /** The elected proxy endpoint of pool-0, which holds node-0 and node-100 (the only nodes with heartbeats). */
    private static String elected(ElectionLoop loop) {
        GatewayTopology pool = loop.topologies(CLUSTER).get("pool-0");
        return pool == null || pool.endpoints().isEmpty() ? null : pool.endpoints().getFirst().nodeName();
    }

    private static NodeObserved node(int i, int version) {
        return NodeObserved.of(CLUSTER, "node-" + i, Map.of(Raven.DEFAULT_NODE_POOL_KEY, "pool-" + (i % POOLS)), true,
                List.of("10.0." + (i / 256) + "." + (i % 256)), List.of(), List.of(cidr(version)), Instant.now());
    }

    private static String cidr(int version) {
        return "172.16." + (version % 256) + ".0/24";
    }

    private static NetworkConfig config() {
        return new NetworkConfig(new NetworkConfig.ModeSettings(true), NetworkConfig.TunnelSettings.OFF.enabled(false), List.of(), Map.of(),
                new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool", "openyurt.io/is-edge-worker=true"),
                NetworkConfig.CloudSettings.local(100));
    }

    private static void waitFor(BooleanSupplier condition, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(5)).until(condition::getAsBoolean);
    }
}
