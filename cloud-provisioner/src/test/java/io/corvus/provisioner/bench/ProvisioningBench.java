package io.corvus.provisioner.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.TopicBootstrap;
import io.corvus.events.kafka.TopicSnapshot;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.ProvisioningStep.Step;
import io.corvus.events.payload.ProvisioningStep;
import io.corvus.kafka.broker.KraftBroker;
import io.corvus.provisioner.adapter.aliyun.AliyunCloudProvider;
import io.corvus.provisioner.adapter.aliyun.AliyunCredentials;
import io.corvus.provisioner.adapter.aliyun.AliyunEmulator;
import io.corvus.provisioner.adapter.aliyun.ApiCallObserver;
import io.corvus.provisioner.adapter.aliyun.TestAliyunSettings;
import io.corvus.provisioner.adapter.kafka.ProvisionerReplica;
import io.corvus.testing.BenchLogging;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.awaitility.Awaitility;

/**
 * Provisioning at run time: one provisioner replica (four workers) on a real KRaft broker
 * in this JVM, provider aliyun through the official SDKs against the API emulator with a fixed
 * latency per call and a realistic asynchronous EIP association. For each of CLUSTERS clusters
 * (proxy on, a whitelist of ACL_SIZE entries, one cloud gateway): time from the configuration event
 * to {@code ready}, the API calls it took (reads and writes) against the fewest writes that state
 * needs, then one steady-state reconcile (a topology event that changes nothing: reads only), then
 * the release. Run by bench/provisioning.sh; prints name=value lines.
 */
public final class ProvisioningBench {

    private ProvisioningBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchLogging.warningsOnly();
        int clusters = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int latencyMs = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int associationMs = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int aclSize = args.length > 3 ? Integer.parseInt(args[3]) : 120;
        Path data = Files.createTempDirectory("corvus-bench-kafka");
        Path ravenCfg = Files.createTempDirectory("corvus-bench-raven-cfg");
        try (KraftBroker broker = KraftBroker.start(data, 0);
                AliyunEmulator emulator = new AliyunEmulator(Clock.systemUTC()).withAccessKey("LTAI5tBench", "bench-secret")) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                new TopicBootstrap(admin).ensureTopics();
            }
            emulator.cloud().withVpc("vpc-bench", "vsw-bench", List.of("10.0.0.5"));
            emulator.cloud().asyncCompletion(0, Duration.ofMillis(associationMs));
            emulator.latency(Duration.ofMillis(latencyMs));
            AliyunCloudProvider provider = new AliyunCloudProvider(TestAliyunSettings.at(emulator, Duration.ofSeconds(10)),
                    cluster -> new AliyunCredentials("LTAI5tBench", "bench-secret", null, "the benchmark"), ApiCallObserver.NONE,
                    wait -> Thread.sleep(wait.toMillis()), new SplittableRandom(1));
            double[] ready = new double[clusters];
            double[] released = new double[clusters];
            int[] provisionReads = new int[clusters];
            int[] provisionWrites = new int[clusters];
            int[] steadyReads = new int[clusters];
            int[] steadyWrites = new int[clusters];
            int[] releaseCalls = new int[clusters];
            try (ProvisionerReplica replica = new ProvisionerReplica(bootstrap, provider, ravenCfg);
                    EventPublisher upstream = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrap, "bench")),
                            EventCodec.create(), "bench")) {
                for (int i = 0; i < clusters; i++) {
                    String cluster = "bench-" + i;
                    upstream.publish(cloudGateway(cluster, 1)).get();
                    Thread.sleep(1_000); // the topology is in before the timed configuration event
                    emulator.forgetCalls();
                    Instant published = Instant.now();
                    upstream.publish(config(cluster, 1, true, aclSize)).get();
                    ready[i] = millisUntil(bootstrap, cluster, Step.READY, published);
                    provisionReads[i] = reads(emulator.calls());
                    provisionWrites[i] = emulator.calls().size() - provisionReads[i];

                    emulator.forgetCalls();
                    upstream.publish(cloudGateway(cluster, 2)).get(); // nothing the cloud side depends on changed
                    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                            .until(() -> !emulator.calls().isEmpty());
                    Thread.sleep(2_000L + 10L * latencyMs); // let that reconcile finish
                    steadyReads[i] = reads(emulator.calls());
                    steadyWrites[i] = emulator.calls().size() - steadyReads[i];

                    emulator.forgetCalls();
                    Instant disabled = Instant.now();
                    upstream.publish(config(cluster, 2, false, aclSize)).get();
                    released[i] = millisUntil(bootstrap, cluster, Step.RELEASED, disabled);
                    releaseCalls[i] = emulator.calls().size();
                }
            }
            int fewestWrites = fewestWrites(aclSize);
            Arrays.sort(ready);
            Arrays.sort(released);
            System.out.printf(Locale.ROOT, "clusters=%d%napi_latency_ms=%d%neip_association_ms=%d%nacl_entries=%d%n",
                    clusters, latencyMs, associationMs, aclSize + 1);
            System.out.printf(Locale.ROOT, "ready_ms_median=%.0f%nready_ms_max=%.0f%n", ready[clusters / 2], ready[clusters - 1]);
            System.out.printf(Locale.ROOT, "provision_calls=%d%nprovision_reads=%d%nprovision_writes=%d%nfewest_writes=%d%n",
                    provisionReads[0] + provisionWrites[0], provisionReads[0], provisionWrites[0], fewestWrites);
            System.out.printf(Locale.ROOT, "ratio_writes_vs_fewest=%.2f%n", provisionWrites[0] / (double) fewestWrites);
            System.out.printf(Locale.ROOT, "floor_ms=%d%nratio_ready_vs_floor=%.2f%n", floor(latencyMs, associationMs, aclSize),
                    ready[clusters / 2] / floor(latencyMs, associationMs, aclSize));
            System.out.printf(Locale.ROOT, "steady_reconcile_reads=%d%nsteady_reconcile_writes=%d%n",
                    IntStream.of(steadyReads).max().orElse(0), IntStream.of(steadyWrites).max().orElse(0));
            System.out.printf(Locale.ROOT, "release_ms_median=%.0f%nrelease_calls=%d%n", released[clusters / 2], releaseCalls[0]);
        }
        System.exit(0);
    }

    /**
     * The writes the desired state needs at least: load balancer, EIP and ACL each created and tagged,
     * the association, the entries in batches of 50, five listeners created and started, the backend.
     */
    private static int fewestWrites(int aclSize) {
        int batches = (aclSize + 1 + 49) / 50;
        return 2 + 2 + 1 + 2 + batches + 5 + 5 + 1;
    }

    /** The least time a client making one call at a time needs: every needed write, then the association's own wait. */
    private static long floor(int latencyMs, int associationMs, int aclSize) {
        return (long) fewestWrites(aclSize) * latencyMs + associationMs;
    }

    private static double millisUntil(String bootstrap, String cluster, Step step, Instant since) {
        ProvisioningStep[] found = new ProvisioningStep[1];
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
            found[0] = TopicSnapshot.read(bootstrap, Topic.PROVISIONING).stream()
                    .filter(e -> cluster.equals(e.key()) && e.event() instanceof ProvisioningStep s && s.step() == step)
                    .map(e -> (ProvisioningStep) e.event()).reduce((a, b) -> b).orElse(null);
            return found[0] != null;
        });
        return Duration.between(since, found[0].at()).toNanos() / 1e6;
    }

    private static int reads(List<String> calls) {
        return (int) calls.stream().filter(a -> a.startsWith("Describe") || a.startsWith("List")).count();
    }

    private static ConfigChanged config(String cluster, long revision, boolean proxy, int aclSize) {
        List<String> acl = new ArrayList<>(IntStream.range(0, aclSize)
                .mapToObj(i -> "10." + (i / 256) + "." + (i % 256) + ".0/24").toList());
        acl.add("100.64.0.0/10");
        return new ConfigChanged(cluster, revision, Instant.now(), "bench", new NetworkConfig(new NetworkConfig.ModeSettings(proxy),
                NetworkConfig.TunnelSettings.OFF.enabled(false), acl, Map.of(),
                new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool", "openyurt.io/is-edge-worker=true"),
                new NetworkConfig.CloudSettings("aliyun", "cn-hangzhou", "vpc-bench", "vsw-bench", 100, "PayByTraffic")));
    }

    private static GatewayTopology cloudGateway(String cluster, long generation) {
        return new GatewayTopology(cluster, "cloud", generation, "cloud", false, true, false,
                List.of(GatewayTopology.Endpoint.proxy("cloud-1", "10.0.0.5")),
                List.of(), null, List.of(), Instant.now(), null);
    }
}
