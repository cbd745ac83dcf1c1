package io.corvus.elector.bench;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.corvus.elector.adapter.kafka.ElectorReplica;
import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Raven;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.EventPump;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.corvus.events.kafka.TopicBootstrap;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.NodeObserved;
import io.corvus.testing.BenchLogging;
import io.corvus.testing.TestBrokers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

/**
 * A fleet of light simulated agents against one real elector on a real KRaft broker, all in this
 * JVM. Each agent reads its cluster's partition of the topology topic as the agent does (its own
 * follower consumer, {@code assign()}, from the beginning, through a long-polling
 * {@link EventPump}) and heartbeats once a second (1,000 heartbeats/s for 1,000 agents, through one
 * producer). Measured: how long a configuration change takes to reach every agent's applied
 * topology, with the heartbeats flowing
 * and without them (do heartbeats delay elections?), the elector's share of it (to the first
 * topology made from the change), a failover seen by every agent of the pool, and how many cores
 * the whole simulation kept busy, idle and during the rounds. Run by bench/agent-fleet.sh; prints
 * name=value lines.
 */
public final class AgentFleetBench {

    private static final int CLUSTERS = 10;
    /** Per marker, the earliest time the elector stamped on a topology made from it (its publishedAt). */
    private static final Map<String, Instant> ELECTED = new ConcurrentHashMap<>();
    /** Nodes per pool: a pool's gateway can fail over to one of the others. */
    private static final int POOL_SIZE = 10;

    /** One simulated agent: its node, and when each marker (a whitelist entry) reached its pool's topology. */
    private record Agent(String clusterId, String nodeName, String pool, Map<String, Long> markersSeen, Map<String, String> endpoint) {
    }

    private AgentFleetBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchLogging.warningsOnly();
        int agents = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String bootstrap = TestBrokers.bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            new TopicBootstrap(admin).ensureTopics();
        }
        EventCodec codec = EventCodec.create();
        int pools = Math.max(1, agents / CLUSTERS / POOL_SIZE);
        List<Agent> fleet = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            fleet.add(new Agent("fleet-" + (i % CLUSTERS), "node-" + i, "pool-" + (i / CLUSTERS % pools), new ConcurrentHashMap<>(),
                    new ConcurrentHashMap<>()));
        }
        List<EventPump> pumps = new ArrayList<>();
        AtomicBoolean beating = new AtomicBoolean(true);
        AtomicLong heartbeatsSent = new AtomicLong();
        try (EventPublisher upstream = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrap, "bench")), codec, "bench");
                EventPublisher heartbeats = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrap, "fleet")), codec,
                        "agent");
                DeadLetters deadLetters = DeadLetters.connect(heartbeats, KafkaConnection.plain(bootstrap), "agent", Clock.systemUTC());
                ElectorReplica elector = new ElectorReplica(bootstrap, ElectorReplica.settings(Duration.ofSeconds(1)))) {
            waitFor(() -> elector.owned().size() == Topic.PARTITIONS, Duration.ofSeconds(60));
            for (Agent agent : fleet) {
                upstream.publish(NodeObserved.of(agent.clusterId(), agent.nodeName(), Map.of(Raven.DEFAULT_NODE_POOL_KEY, agent.pool(),
                        "openyurt.io/is-edge-worker", "true"), true, List.of("10.0.0.1"), List.of(), List.of(), Instant.now()));
                pumps.add(follow(agent, bootstrap, codec, deadLetters));
            }
            Thread.ofPlatform().name("fleet-heartbeats").daemon().start(() -> beat(fleet, heartbeats, beating, heartbeatsSent));
            String first = publishConfig(upstream, 1);
            waitFor(() -> fleet.stream().allMatch(a -> a.markersSeen().containsKey(first) && a.endpoint().containsKey(first)),
                    Duration.ofSeconds(120));

            double idleWithHeartbeats = coresBusyIdle(Duration.ofSeconds(5));
            CpuMeter measuringRounds = CpuMeter.start();
            long sentBefore = heartbeatsSent.get();
            double[][] withHeartbeats = rounds(upstream, fleet, 2, rounds);
            double heartbeatsPerSecond = (heartbeatsSent.get() - sentBefore) / measuringRounds.seconds();
            double roundsWithHeartbeats = measuringRounds.coresBusy();

            Agent watched = fleet.getFirst();
            String gateway = watched.endpoint().get(marker(1 + rounds));
            String cluster = watched.clusterId();
            long silenced = System.nanoTime();
            fleet.stream().filter(a -> a.nodeName().equals(gateway)).forEach(a -> a.markersSeen().put("silenced", 0L));
            waitFor(() -> fleet.stream().filter(a -> a.clusterId().equals(cluster) && a.pool().equals(watched.pool()))
                    .allMatch(a -> !gateway.equals(a.endpoint().get("newest"))), Duration.ofSeconds(30));
            double failoverMs = (System.nanoTime() - silenced) / 1e6;

            beating.set(false); // silent agents stay endpoints: late heartbeats alone move no gateway
            TimeUnit.SECONDS.sleep(1); // the heartbeats in flight arrive
            double idleWithoutHeartbeats = coresBusyIdle(Duration.ofSeconds(5));
            measuringRounds = CpuMeter.start();
            double[][] withoutHeartbeats = rounds(upstream, fleet, 2 + rounds, rounds);
            double roundsWithoutHeartbeats = measuringRounds.coresBusy();

            System.out.printf(Locale.ROOT, "agents=%d%nclusters=%d%npools_per_cluster=%d%nrounds=%d%nheartbeats_per_sec=%.0f%n", agents,
                    CLUSTERS, pools, rounds, heartbeatsPerSecond);
            print("config_to_every_agent_with_heartbeats", withHeartbeats[0]);
            print("config_to_every_agent_without_heartbeats", withoutHeartbeats[0]);
            print("config_to_elected_with_heartbeats", withHeartbeats[1]);
            print("config_to_elected_without_heartbeats", withoutHeartbeats[1]);
            print("config_to_first_agent_of_a_cluster_with_heartbeats", withHeartbeats[2]);
            print("config_to_first_agent_of_a_cluster_without_heartbeats", withoutHeartbeats[2]);
            print("spread_within_a_cluster_with_heartbeats", withHeartbeats[3]);
            print("spread_within_a_cluster_without_heartbeats", withoutHeartbeats[3]);
            System.out.printf(Locale.ROOT, "failover_seen_by_every_agent_of_the_pool_ms=%.0f%n", failoverMs);
            System.out.printf(Locale.ROOT, "cores_busy_idle_with_heartbeats=%.2f%ncores_busy_idle_without_heartbeats=%.2f%n"
                    + "cores_busy_during_rounds_with_heartbeats=%.2f%ncores_busy_during_rounds_without_heartbeats=%.2f%ncores=%d%n",
                    idleWithHeartbeats, idleWithoutHeartbeats, roundsWithHeartbeats, roundsWithoutHeartbeats,
                    Runtime.getRuntime().availableProcessors());
        } finally {
            pumps.forEach(EventPump::close);
        }
        System.exit(0);
    }

    /**
     * Configuration changes to every cluster, one round at a time: every agent's latency from the
     * publication to its topology, the elector's (to the first topology made from it), and, to tell
     * the publishing from the reading apart, each cluster's first agent and the spread between a
     * cluster's first and last agent.
     */
    private static double[][] rounds(EventPublisher upstream, List<Agent> fleet, int firstRevision, int rounds) throws Exception {
        List<Double> latencies = new ArrayList<>();
        List<Double> elected = new ArrayList<>();
        List<Double> firstOfCluster = new ArrayList<>();
        List<Double> spreadInCluster = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            int revision = firstRevision + round;
            long published = System.nanoTime();
            Instant publishedAt = Instant.now();
            String marker = publishConfig(upstream, revision);
            waitFor(() -> fleet.stream().allMatch(a -> a.markersSeen().containsKey(marker)), Duration.ofSeconds(60));
            fleet.forEach(a -> latencies.add((a.markersSeen().get(marker) - published) / 1e6));
            elected.add((double) Duration.between(publishedAt, ELECTED.get(marker)).toMillis());
            fleet.stream().collect(Collectors.groupingBy(Agent::clusterId, Collectors.summarizingLong(a -> a.markersSeen().get(marker))))
                    .values().forEach(seen -> {
                        firstOfCluster.add((seen.getMin() - published) / 1e6);
                        spreadInCluster.add((seen.getMax() - seen.getMin()) / 1e6);
                    });
        }
        return new double[][] {sorted(latencies), sorted(elected), sorted(firstOfCluster), sorted(spreadInCluster)};
    }

    private static double[] sorted(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    /** A whitelist entry that names the revision: it tells which configuration a topology was made from. */
    private static String marker(long revision) {
        return "10." + (revision % 250) + ".0.0/16";
    }

    private static String publishConfig(EventPublisher upstream, long revision) throws Exception {
        String marker = marker(revision);
        NetworkConfig config = new NetworkConfig(new NetworkConfig.ModeSettings(true), NetworkConfig.TunnelSettings.OFF.enabled(false),
                List.of(marker), Map.of(), new NetworkConfig.NodeLabels(Raven.DEFAULT_NODE_POOL_KEY, "openyurt.io/is-edge-worker=true"),
                NetworkConfig.CloudSettings.local(100));
        for (int c = 0; c < CLUSTERS; c++) {
            upstream.publish(new ConfigChanged("fleet-" + c, revision, Instant.now(), "bench", config)).get();
        }
        return marker;
    }

    /** The agent's way of following the topology: its cluster's one partition, assigned, read from the beginning. */
    private static EventPump follow(Agent agent, String bootstrap, EventCodec codec, DeadLetters deadLetters) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClients.followerConfig(bootstrap, "agent-" + agent.nodeName()));
        TopicPartition partition = new TopicPartition(Topic.TOPOLOGY.topicName(), ClusterPartitioner.partitionFor(agent.clusterId(),
                Topic.PARTITIONS));
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return new EventPump("fleet-" + agent.nodeName(), consumer, codec, event -> {
            if (event.payload() instanceof GatewayTopology t && t.clusterId().equals(agent.clusterId()) && t.gatewayName().equals(agent.pool())) {
                long now = System.nanoTime();
                t.accessControlList().forEach(marker -> agent.markersSeen().putIfAbsent(marker, now));
                t.accessControlList().forEach(marker -> ELECTED.merge(marker, t.publishedAt(), (a, b) -> a.isBefore(b) ? a : b));
                if (!t.endpoints().isEmpty()) {
                    String endpoint = t.endpoints().getFirst().nodeName();
                    t.accessControlList().forEach(marker -> agent.endpoint().put(marker, endpoint));
                    agent.endpoint().put("newest", endpoint);
                }
            }
        }, deadLetters, false).onlyCluster(agent.clusterId()).longPolling(KafkaClients.FOLLOWER_LONG_POLL).start();
    }

    /** Every agent's heartbeat once a second, a tenth of the fleet every 100 ms; an agent marked silenced sends none. */
    private static void beat(List<Agent> fleet, EventPublisher publisher, AtomicBoolean beating, AtomicLong sent) {
        int slices = 10;
        for (long tick = 0; beating.get(); tick++) {
            for (int i = (int) (tick % slices); i < fleet.size(); i += slices) {
                Agent agent = fleet.get(i);
                if (!agent.markersSeen().containsKey("silenced")) {
                    publisher.publish(AgentHeartbeat.idle(agent.clusterId(), agent.nodeName(), Instant.now()));
                    sent.incrementAndGet();
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(1_000 / slices); // pacing a load generator, not the data path
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** This JVM's CPU time against the wall clock since it started: how many cores the whole simulation kept busy. */
    private record CpuMeter(long cpuNanos, long wallNanos) {
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        static CpuMeter start() {
            return new CpuMeter(OS.getProcessCpuTime(), System.nanoTime());
        }

        double coresBusy() {
            return (double) (OS.getProcessCpuTime() - cpuNanos) / (System.nanoTime() - wallNanos);
        }

        double seconds() {
            return (System.nanoTime() - wallNanos) / 1e9;
        }
    }

    /** How many cores the fleet keeps busy doing nothing but staying connected (and heartbeating, while it does). */
    private static double coresBusyIdle(Duration period) throws InterruptedException {
        CpuMeter meter = CpuMeter.start();
        TimeUnit.MILLISECONDS.sleep(period.toMillis());
        return meter.coresBusy();
    }

    private static void print(String name, double[] sorted) {
        System.out.printf(Locale.ROOT, "%s_p50_ms=%.0f%n%s_p99_ms=%.0f%n%s_max_ms=%.0f%n", name, sorted[sorted.length / 2], name,
                sorted[Math.max(0, (int) Math.ceil(0.99 * sorted.length) - 1)], name, sorted[sorted.length - 1]);
    }

    private static void waitFor(BooleanSupplier condition, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(5)).until(condition::getAsBoolean);
    }
}
