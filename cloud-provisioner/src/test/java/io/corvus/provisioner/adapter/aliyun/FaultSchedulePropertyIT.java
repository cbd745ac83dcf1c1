package io.corvus.provisioner.adapter.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.ProvisioningStep.Step;
import io.corvus.provisioner.RecordedOutput;
import io.corvus.testing.TestClock;
import io.corvus.provisioner.adapter.aliyun.AliyunEmulator.Fault;
import io.corvus.provisioner.app.ProvisioningLoop;
import io.corvus.provisioner.domain.DesiredCloud;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Under any schedule of cloud faults (throttling, 503, 500 after the change, replies lost to a
 * timeout or a dropped connection, slow EIP association) and process crashes between any two API
 * calls, with each restart rebuilt from what was recorded on the topics: once the faults stop and
 * the reconciler settles, the cloud equals the desired state of every revision with no leaked and
 * no duplicated resource, the recorded state names exactly those resources, and after disable
 * nothing remains. Credentials appear in no event and no log line.
 */
class FaultSchedulePropertyIT {

    private static final String SECRET = "fault-schedule-secret-4711";
    private static final String CLUSTER = "f1";
    private static final List<String> CLOUD_NODES = List.of("10.0.0.5", "10.0.0.6");
    private static final int MAX_TICKS = 200;

    private static AliyunEmulator emulator;
    private static final List<String> logLines = new ArrayList<>();
    private static final Handler LOG_CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logLines) {
                logLines.add(String.valueOf(record.getMessage()) + " " + Arrays.toString(record.getParameters()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** One revision of the configuration: what the user asked for. */
    record Revision(boolean proxy, boolean tunnel, List<String> acl, List<String> backends, int bandwidth) {
    }

    /** @param crashes the API call numbers (counted over the whole case) before which the process dies */
    record Scenario(List<Revision> revisions, List<List<Fault>> faults, Set<Integer> crashes, int asyncPolls) {
    }

    private static Handler[] consoleHandlers;

    @BeforeContainer
    static void start() throws IOException {
        emulator = new AliyunEmulator(Clock.systemUTC());
        emulator.hang(Duration.ofMillis(200));
        Logger root = Logger.getLogger("");
        consoleHandlers = root.getHandlers(); // thousands of reconciles: every line is captured and checked, none printed
        for (Handler handler : consoleHandlers) {
            root.removeHandler(handler);
        }
        root.addHandler(LOG_CAPTURE);
    }

    @AfterContainer
    static void stop() {
        Logger root = Logger.getLogger("");
        root.removeHandler(LOG_CAPTURE);
        for (Handler handler : consoleHandlers) {
            root.addHandler(handler);
        }
        emulator.close();
        synchronized (logLines) {
            assertThat(logLines).as("credentials in a log line").noneMatch(line -> line.contains(SECRET));
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Revision> enabled = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 120), Arbitraries.subsetOf(CLOUD_NODES), Arbitraries.integers().between(1, 200))
                .as((proxy, tunnel, aclSize, backends, bandwidth) -> new Revision(proxy || !tunnel, tunnel, acl(aclSize),
                        backends.stream().sorted().toList(), bandwidth));
        Arbitrary<List<Revision>> revisions = enabled.list().ofMinSize(1).ofMaxSize(2).map(list -> {
            List<Revision> all = new ArrayList<>(list);
            all.add(new Revision(false, false, List.of(), List.of(), 100));
            return all;
        });
        // Weights out of 390: about one call in six fails. A lost reply costs a real read timeout, so it is
        // mostly a dropped connection or a 500 after the change, which mean the same to the client.
        Arbitrary<Fault> fault = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(320, Arbitraries.just(Fault.NONE)),
                net.jqwik.api.Tuple.of(20, Arbitraries.just(Fault.THROTTLE)),
                net.jqwik.api.Tuple.of(16, Arbitraries.just(Fault.UNAVAILABLE)),
                net.jqwik.api.Tuple.of(16, Arbitraries.just(Fault.INTERNAL_ERROR_AFTER)),
                net.jqwik.api.Tuple.of(16, Arbitraries.just(Fault.DROP_AFTER)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Fault.TIMEOUT_AFTER)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Fault.TIMEOUT_BEFORE)));
        Arbitrary<List<List<Fault>>> faults = fault.list().ofMaxSize(50).list().ofSize(3);
        Arbitrary<Set<Integer>> crashes = Arbitraries.integers().between(1, 90).set().ofMaxSize(3);
        return Combinators.combine(revisions, faults, crashes, Arbitraries.integers().between(0, 3)).as(Scenario::new);
    }

    @Property(tries = 1000)
    void onceFaultsStopTheCloudEqualsEveryRevisionAndDisablingLeavesNothing(@ForAll("scenarios") Scenario scenario) {
        EmulatedCloud cloud = emulator.reset();
        cloud.withVpc("vpc-f", "vsw-f", CLOUD_NODES);
        cloud.asyncCompletion(scenario.asyncPolls(), Duration.ZERO);
        emulator.withAccessKey("LTAI5tFaults", SECRET);
        Topics topics = new Topics();
        Process process = new Process(scenario.crashes(), topics);

        for (int index = 0; index < scenario.revisions().size(); index++) {
            Revision revision = scenario.revisions().get(index);
            List<Fault> schedule = scenario.faults().get(index);
            emulator.faults((n, action) -> n <= schedule.size() ? schedule.get(n - 1) : Fault.NONE);
            ConfigChanged config = config(index + 1, revision);
            topics.config = config;
            topics.gateway = cloudGateway(index + 1, revision);
            process.loop.apply(topics.gateway);
            process.loop.apply(config);

            process = settle(process, topics, config.revision());

            if (revision.proxy() || revision.tunnel()) {
                assertMatches(cloud, revision, topics);
            } else {
                assertThat(cloud.loadBalancers()).as("load balancers after disable").isEmpty();
                assertThat(cloud.eips()).as("EIPs after disable").isEmpty();
                assertThat(cloud.acls()).as("ACLs after disable").isEmpty();
                assertThat(topics.states.getLast().ravenConfig()).containsEntry("loadbalancer-id", "").containsEntry("eip-id", "")
                        .containsEntry("acl-id", "").containsEntry("enable-l7-proxy", "false").containsEntry("enable-l3-tunnel", "false");
            }
        }
        assertThat(topics.everything()).as("credentials in an event").noneMatch(text -> text.contains(SECRET));
    }

    /** Ticks the reconciler (restarting it after each crash) until this revision is ready or released. */
    private Process settle(Process process, Topics topics, long revision) {
        for (int tick = 0; tick < MAX_TICKS; tick++) {
            try {
                process.loop.reconcileOwned();
            } catch (SimulatedCrash crash) {
                process = process.restart();
                continue;
            }
            if (topics.steps.stream().anyMatch(s -> s.configRevision() == revision && (s.step() == Step.READY || s.step() == Step.RELEASED))) {
                return process;
            }
            topics.clock.advance(Duration.ofMinutes(6)); // every retry and poll is due
        }
        throw new AssertionError("revision " + revision + " did not settle in " + MAX_TICKS + " ticks; last steps: "
                + topics.steps.subList(Math.max(0, topics.steps.size() - 5), topics.steps.size()));
    }

    private static void assertMatches(EmulatedCloud cloud, Revision revision, Topics topics) {
        assertThat(cloud.loadBalancers()).as("load balancers").hasSize(1);
        assertThat(cloud.eips()).as("EIPs").hasSize(1);
        assertThat(cloud.acls()).as("ACLs").hasSize(revision.acl().isEmpty() ? 0 : 1);
        EmulatedCloud.LoadBalancer lb = cloud.loadBalancers().getFirst();
        EmulatedCloud.Eip eip = cloud.eips().getFirst();
        assertThat(lb.tags()).containsEntry(AliyunSession.OWNER_TAG, CLUSTER);
        assertThat(eip.tags()).containsEntry(AliyunSession.OWNER_TAG, CLUSTER);
        assertThat(eip.status()).isEqualTo("InUse");
        assertThat(eip.instanceId()).isEqualTo(lb.id());
        assertThat(eip.bandwidth()).isEqualTo(revision.bandwidth());
        String aclId = revision.acl().isEmpty() ? null : cloud.acls().getFirst().id();
        if (aclId != null) {
            assertThat(cloud.acls().getFirst().entries()).containsExactlyInAnyOrderElementsOf(revision.acl());
            assertThat(cloud.acls().getFirst().tags()).containsEntry(AliyunSession.OWNER_TAG, CLUSTER);
        }
        Map<Integer, String> wantedListeners = desired(revision).listeners();
        assertThat(lb.listeners().keySet()).isEqualTo(wantedListeners.keySet());
        lb.listeners().values().forEach(l -> {
            assertThat(l.protocol()).isEqualTo(wantedListeners.get(l.port()));
            assertThat(l.status()).isEqualTo("running");
            assertThat(l.aclId()).isEqualTo(aclId);
        });
        Set<String> backendIps = lb.backends().stream().map(id -> cloud.instance(id).privateIp()).collect(Collectors.toSet());
        assertThat(backendIps).isEqualTo(backends(revision));
        Map<String, String> recorded = topics.states.getLast().ravenConfig();
        assertThat(recorded).as("the recorded state names exactly the cloud's resources")
                .containsEntry("loadbalancer-id", lb.id()).containsEntry("eip-id", eip.id()).containsEntry("eip-ip", eip.ip())
                .containsEntry("acl-id", aclId == null ? "" : aclId);
        assertThat(topics.ravenCfg.getLast()).isEqualTo(recorded);
    }

    /** One provisioner process: its provider (with its ClientTokens) and loop; a crash loses both. */
    private static final class Process {
        final ProvisioningLoop loop;
        private final Set<Integer> crashes;
        private final Topics topics;

        Process(Set<Integer> crashes, Topics topics) {
            this.crashes = crashes;
            this.topics = topics;
            ApiCallObserver crashing = new ApiCallObserver() {
                @Override
                public void before(String action) {
                    if (crashes.contains(topics.apiCalls.incrementAndGet())) {
                        throw new SimulatedCrash();
                    }
                }
            };
            AliyunCloudProvider provider = new AliyunCloudProvider(TestAliyunSettings.at(emulator, Duration.ofMillis(60)),
                    cluster -> new AliyunCredentials("LTAI5tFaults", SECRET, null, "the test"), crashing, wait -> { },
                    new SplittableRandom(3));
            loop = new ProvisioningLoop(List.of(provider), topics, topics.clock, new SplittableRandom(5));
            loop.own(List.of(ClusterPartitioner.partitionFor(CLUSTER, Topic.PARTITIONS)));
            if (topics.gateway != null) {
                loop.apply(topics.gateway);
            }
            if (topics.config != null) {
                loop.apply(topics.config);
            }
            if (!topics.states.isEmpty()) {
                loop.apply(topics.states.getLast());
            }
        }

        /** A new process that knows only what the topics hold. */
        Process restart() {
            return new Process(crashes, topics);
        }
    }

    /** What the process wrote to the topics (and to raven-cfg); a restarted process reads it back. */
    private static final class Topics extends RecordedOutput {
        final TestClock clock = new TestClock(Instant.parse("2026-11-26T08:00:00Z"));
        final AtomicInteger apiCalls = new AtomicInteger();
        ConfigChanged config;
        GatewayTopology gateway;

        List<String> everything() {
            List<String> all = new ArrayList<>();
            steps.forEach(s -> all.add(s.toString()));
            states.forEach(s -> all.add(s.toString()));
            ravenCfg.forEach(r -> all.add(r.toString()));
            return all;
        }
    }

    private static ConfigChanged config(long revision, Revision r) {
        return new ConfigChanged(CLUSTER, revision, Instant.parse("2026-11-26T08:00:00Z"), "test", new NetworkConfig(
                new NetworkConfig.ModeSettings(r.proxy()), NetworkConfig.TunnelSettings.OFF.enabled(r.tunnel()), r.acl(), Map.of(),
                new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool", "openyurt.io/is-edge-worker=true"),
                new NetworkConfig.CloudSettings("aliyun", "cn-hangzhou", "vpc-f", "vsw-f", r.bandwidth(), "PayByTraffic")));
    }

    private static DesiredCloud desired(Revision r) {
        return DesiredCloud.of(config(1, r), List.of());
    }

    /** The cloud pool's active endpoints, as the elector publishes them for this revision. */
    private static GatewayTopology cloudGateway(long generation, Revision r) {
        List<GatewayTopology.Endpoint> endpoints = new ArrayList<>();
        if (r.proxy()) {
            r.backends().forEach(ip -> endpoints.add(new GatewayTopology.Endpoint("node-" + ip, GatewayTopology.EndpointType.PROXY,
                    ip, null, null, null)));
        }
        if (r.tunnel() && !r.backends().isEmpty()) {
            endpoints.add(new GatewayTopology.Endpoint("node-" + r.backends().getFirst(), GatewayTopology.EndpointType.TUNNEL,
                    r.backends().getFirst(), null, null, "a2V5"));
        }
        return new GatewayTopology(CLUSTER, "cloud", generation, "cloud", false, r.proxy(), r.tunnel(), endpoints, List.of(), null, List.of(),
                Instant.parse("2026-11-26T08:00:00Z"), null);
    }

    /** The addresses the load balancer must forward to: the proxy endpoints, and the tunnel endpoint. */
    private static Set<String> backends(Revision r) {
        Set<String> backends = new HashSet<>(r.proxy() ? r.backends() : List.of());
        if (r.tunnel() && !r.backends().isEmpty()) {
            backends.add(r.backends().getFirst());
        }
        return backends;
    }

    private static List<String> acl(int size) {
        if (size == 0) {
            return List.of();
        }
        List<String> acl = new ArrayList<>(IntStream.range(0, size).mapToObj(i -> "10." + (i / 256) + "." + (i % 256) + ".0/24").toList());
        acl.add("100.64.0.0/10");
        return acl;
    }
}
