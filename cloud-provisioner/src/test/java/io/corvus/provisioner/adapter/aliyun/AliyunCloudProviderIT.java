package io.corvus.provisioner.adapter.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.corvus.events.payload.NetworkConfig;
import io.corvus.provisioner.adapter.aliyun.AliyunEmulator.Fault;
import io.corvus.provisioner.app.CloudException;
import io.corvus.provisioner.domain.CloudAction;
import io.corvus.provisioner.domain.DesiredCloud;
import io.corvus.provisioner.domain.ObservedCloud;
import io.corvus.provisioner.domain.ReconcilePlanner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The aliyun provider through the official SDKs against the API emulator (real HTTP, real signatures). */
class AliyunCloudProviderIT {

    static final String KEY_ID = "LTAI5tCorvusTestKey";
    static final String KEY_SECRET = "corvus-test-secret-never-logged";
    static final List<String> CLOUD_NODES = List.of("10.0.0.5", "10.0.0.6");

    private final AliyunEmulator emulator = emulator();
    private final List<Duration> waits = new ArrayList<>();
    private AliyunCloudProvider provider = provider(Duration.ofSeconds(5));

    static AliyunEmulator emulator() {
        try {
            AliyunEmulator emulator = new AliyunEmulator(Clock.systemUTC()).withAccessKey(KEY_ID, KEY_SECRET);
            emulator.cloud().withVpc("vpc-corvus", "vsw-corvus", CLOUD_NODES);
            return emulator;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private AliyunCloudProvider provider(Duration readTimeout) {
        return new AliyunCloudProvider(TestAliyunSettings.at(emulator, readTimeout),
                cluster -> new AliyunCredentials(KEY_ID, KEY_SECRET, null, "the test"), ApiCallObserver.NONE,
                waits::add, new SplittableRandom(1));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void anEnabledClusterIsProvisionedAsDesiredInTheCloud() throws Exception {
        DesiredCloud desired = desired(true, true, List.of("203.0.113.0/24", "100.64.0.0/10"), List.of("10.0.0.5"));

        converge(desired);

        EmulatedCloud.LoadBalancer lb = emulator.cloud().loadBalancers().getFirst();
        assertThat(emulator.cloud().loadBalancers()).hasSize(1);
        assertThat(lb.name()).isEqualTo("k8s/raven-agent-ds/kube-system/c1");
        assertThat(lb.vpcId()).isEqualTo("vpc-corvus");
        assertThat(lb.tags()).containsEntry(AliyunSession.OWNER_TAG, "c1");
        assertThat(lb.listeners().keySet()).containsExactlyInAnyOrder(10280, 10281, 10282, 10283, 10284, 4500, 10285);
        assertThat(lb.listeners().get(4500).protocol()).isEqualTo("udp");
        EmulatedCloud.Acl acl = emulator.cloud().acls().getFirst();
        assertThat(lb.listeners().values()).allSatisfy(l -> {
            assertThat(l.status()).isEqualTo("running");
            assertThat(l.aclId()).isEqualTo(acl.id());
            assertThat(l.aclType()).isEqualTo("white");
        });
        assertThat(acl.entries()).containsExactlyInAnyOrder("203.0.113.0/24", "100.64.0.0/10");
        assertThat(lb.backends()).containsExactly("i-10-0-0-5");
        EmulatedCloud.Eip eip = emulator.cloud().eips().getFirst();
        assertThat(eip.status()).isEqualTo("InUse");
        assertThat(eip.instanceId()).isEqualTo(lb.id());
        assertThat(eip.description()).isEqualTo("k8s/raven-agent-ds/kube-system/c1");
        assertThat(eip.tags()).containsEntry(AliyunSession.OWNER_TAG, "c1");
        assertThat(eip.bandwidth()).isEqualTo(100);
    }

    @Test
    void aSettledClusterIsObservedWithReadCallsOnly() throws Exception {
        DesiredCloud desired = desired(true, false, List.of("203.0.113.0/24", "100.64.0.0/10"), List.of("10.0.0.5"));
        ObservedCloud settled = converge(desired);
        emulator.forgetCalls();

        ObservedCloud again = provider.observe(desired, recorded(settled));

        assertThat(ReconcilePlanner.plan(desired, again, 100)).isEmpty();
        assertThat(emulator.calls()).allSatisfy(action -> assertThat(action).matches("(Describe|List).*"));
        // the three resources by their recorded ids, the listeners, and one tag listing for each kind: what else carries the
        // cluster's tag is a stray to release
        assertThat(emulator.calls()).hasSizeLessThanOrEqualTo(8);
    }

    @Test
    void anUnrecordedLoadBalancerIsFoundByItsTagAndOneWhoseTagWasNeverSetByItsName() throws Exception {
        DesiredCloud desired = desired(true, false, List.of(), List.of());
        converge(desired);
        String id = emulator.cloud().loadBalancers().getFirst().id();

        assertThat(provider.observe(desired, null).loadBalancer().id()).as("by tag").isEqualTo(id);

        emulator.cloud().apply("slb", "CreateLoadBalancer", Map.of("LoadBalancerName", "k8s/raven-agent-ds/kube-system/c2",
                "VpcId", "vpc-corvus", "VSwitchId", "vsw-corvus", "AddressType", "intranet")); // created, then the process died
        DesiredCloud other = desired("c2", true, false, List.of(), List.of());
        ObservedCloud.LoadBalancer adopted = provider.observe(other, null).loadBalancer();
        assertThat(adopted).as("by name").isNotNull();
        assertThat(emulator.cloud().loadBalancers()).filteredOn(lb -> lb.id().equals(adopted.id())).singleElement()
                .satisfies(lb -> assertThat(lb.tags()).as("tagged once found").containsEntry(AliyunSession.OWNER_TAG, "c2"));
    }

    @Test
    void twoLoadBalancersClaimingTheClusterAreAnErrorNotAGuess() throws Exception {
        DesiredCloud desired = desired(true, false, List.of(), List.of());
        for (int i = 0; i < 2; i++) {
            emulator.cloud().apply("slb", "CreateLoadBalancer", Map.of("LoadBalancerName", "k8s/raven-agent-ds/kube-system/c1",
                    "VpcId", "vpc-corvus", "VSwitchId", "vsw-corvus", "AddressType", "intranet"));
        }

        assertThatThrownBy(() -> provider.observe(desired, null)).isInstanceOfSatisfying(CloudException.class, e -> {
            assertThat(e.kind()).isEqualTo(CloudException.Kind.NEEDS_ATTENTION);
            assertThat(e.getMessage()).startsWith("2 load balancers are named k8s/raven-agent-ds/kube-system/c1")
                    .contains("will not guess");
        });
    }

    @Test
    void aCreateWhoseReplyWasLostIsRepeatedWithTheSameClientTokenAndMadeOnce() throws Exception {
        provider = provider(Duration.ofMillis(300));
        emulator.hang(Duration.ofMillis(600));
        emulator.faults((n, action) -> action.equals("CreateLoadBalancer") && n <= 3 ? Fault.TIMEOUT_AFTER : Fault.NONE);

        provider.execute(desired(true, false, List.of(), List.of()), new CloudAction.CreateLoadBalancer("k8s/raven-agent-ds/kube-system/c1"));

        assertThat(emulator.calls()).as("three replies lost, the fourth answered").filteredOn("CreateLoadBalancer"::equals).hasSize(4);
        assertThat(emulator.cloud().loadBalancers()).hasSize(1);
    }

    @Test
    void aClientTokenOutlivesAFailedReconcileSoTheNextTryDoesNotCreateASecondEip() throws Exception {
        DesiredCloud desired = desired(true, false, List.of(), List.of());
        emulator.faults((n, action) -> action.equals("AllocateEipAddress") ? Fault.INTERNAL_ERROR_AFTER : Fault.NONE);
        assertThatThrownBy(() -> provider.execute(desired, new CloudAction.AllocateEip("x", 100, "PayByTraffic")))
                .isInstanceOf(CloudException.class).hasMessageContaining("InternalError");

        emulator.faults(AliyunEmulator.FaultPlan.NONE);
        provider.execute(desired, new CloudAction.AllocateEip("x", 100, "PayByTraffic"));

        assertThat(emulator.cloud().eips()).hasSize(1);
    }

    @Test
    void anAclCreateWithoutClientTokenIsNeverRepeatedBlindlyAndIsFoundByNameAfterwards() throws Exception {
        DesiredCloud desired = desired(true, false, List.of("203.0.113.0/24", "100.64.0.0/10"), List.of());
        emulator.faults((n, action) -> action.equals("CreateAccessControlList") ? Fault.INTERNAL_ERROR_AFTER : Fault.NONE);

        assertThatThrownBy(() -> provider.execute(desired, new CloudAction.CreateAcl("k8s/raven-agent-ds/kube-system/c1")))
                .isInstanceOfSatisfying(CloudException.class, e -> assertThat(e.kind()).isEqualTo(CloudException.Kind.TRANSIENT));
        assertThat(emulator.calls()).filteredOn("CreateAccessControlList"::equals).hasSize(1);

        emulator.faults(AliyunEmulator.FaultPlan.NONE);
        converge(desired);
        assertThat(emulator.cloud().acls()).hasSize(1);
    }

    @Test
    void anAclCreateTheSdkSilentlySentTwiceAfterADroppedConnectionLeavesOneAcl() throws Exception {
        DesiredCloud desired = desired(true, false, List.of("203.0.113.0/24", "100.64.0.0/10"), List.of());
        provider.observe(desired, null); // as in a reconcile: the create goes over a pooled connection
        AtomicBoolean dropped = new AtomicBoolean();
        emulator.faults((n, action) -> action.equals("CreateAccessControlList") && dropped.compareAndSet(false, true)
                ? Fault.DROP_AFTER : Fault.NONE);
        emulator.forgetCalls();

        provider.execute(desired, new CloudAction.CreateAcl("k8s/raven-agent-ds/kube-system/c1"));

        assertThat(emulator.calls()).as("sent twice by the SDK's HTTP client, in one call").startsWith(
                "CreateAccessControlList", "CreateAccessControlList");
        assertThat(emulator.cloud().acls()).singleElement().satisfies(acl ->
                assertThat(acl.tags()).containsEntry(AliyunSession.OWNER_TAG, "c1"));
    }

    @Test
    void throttlingAndUnavailabilityAreRetriedWithGrowingJitteredWaits() throws Exception {
        emulator.faults((n, action) -> n == 1 ? Fault.THROTTLE : n == 2 ? Fault.UNAVAILABLE : n == 3 ? Fault.THROTTLE : Fault.NONE);

        provider.observe(desired(true, false, List.of(), List.of()), null);

        assertThat(waits).hasSize(3);
        assertThat(waits.get(0)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(waits.get(1)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(waits.get(2)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
    }

    @Test
    void aCallThatKeepsFailingEndsAsATransientErrorNamingTheCloudsCode() {
        emulator.faults((n, action) -> Fault.THROTTLE);

        assertThatThrownBy(() -> provider.observe(desired(true, false, List.of(), List.of()), null))
                .isInstanceOfSatisfying(CloudException.class, e -> {
                    assertThat(e.kind()).isEqualTo(CloudException.Kind.TRANSIENT);
                    assertThat(e.getMessage()).startsWith("ListTagResources (after 5 attempts): Throttling.User:");
                });
    }

    @Test
    void refusedCredentialsSayWhereTheyCameFromAndNeverShowTheSecret() {
        AliyunCloudProvider wrongKey = new AliyunCloudProvider(TestAliyunSettings.at(emulator, Duration.ofSeconds(5)),
                cluster -> new AliyunCredentials(KEY_ID, "not-the-secret-9f8e7d", null, "Secret kube-system/corvus-aliyun-credentials"),
                ApiCallObserver.NONE, waits::add, new SplittableRandom(1));

        assertThatThrownBy(() -> wrongKey.observe(desired(true, false, List.of(), List.of()), null))
                .isInstanceOfSatisfying(CloudException.class, e -> {
                    assertThat(e.kind()).isEqualTo(CloudException.Kind.CREDENTIALS);
                    assertThat(e.getMessage()).contains("SignatureDoesNotMatch")
                            .contains("the AccessKey came from Secret kube-system/corvus-aliyun-credentials")
                            .doesNotContain("not-the-secret-9f8e7d");
                });
        assertThat(waits).as("a refused key is not retried in place").isEmpty();
    }

    @Test
    void aTemporaryKeyTravelsWithItsStsToken() throws Exception {
        emulator.withStsKey("STS.corvus", "sts-secret", "sts-token-1");
        AliyunCloudProvider sts = new AliyunCloudProvider(TestAliyunSettings.at(emulator, Duration.ofSeconds(5)),
                cluster -> new AliyunCredentials("STS.corvus", "sts-secret", "sts-token-1", "the environment"),
                ApiCallObserver.NONE, waits::add, new SplittableRandom(1));

        assertThat(sts.observe(desired(true, false, List.of(), List.of()), null)).isEqualTo(ObservedCloud.NOTHING);
    }

    @Test
    void aBackendThatIsNotAnInstanceOfTheVpcNeedsAttention() throws Exception {
        DesiredCloud desired = desired(true, false, List.of(), List.of("10.9.9.9"));

        assertThatThrownBy(() -> converge(desired)).isInstanceOfSatisfying(CloudException.class, e -> {
            assertThat(e.kind()).isEqualTo(CloudException.Kind.NEEDS_ATTENTION);
            assertThat(e.getMessage()).contains("no ECS instance in vpc-corvus has the private address 10.9.9.9");
        });
    }

    @Test
    void aWhitelistOfThreeHundredEntriesGoesInBatchesOfFiftyAndIsReleasedWithTheRest() throws Exception {
        List<String> acl = IntStream.range(0, 299).mapToObj(i -> "10." + (i / 256) + "." + (i % 256) + ".0/24")
                .collect(Collectors.toCollection(ArrayList::new));
        acl.add("100.64.0.0/10");
        converge(desired(true, false, acl, List.of("10.0.0.5", "10.0.0.6")));
        assertThat(emulator.cloud().acls().getFirst().entries()).hasSize(300);
        assertThat(emulator.calls()).filteredOn("AddAccessControlListEntry"::equals).hasSize(6);

        converge(desired(false, false, acl, List.of()));

        assertThat(emulator.cloud().loadBalancers()).isEmpty();
        assertThat(emulator.cloud().eips()).isEmpty();
        assertThat(emulator.cloud().acls()).isEmpty();
    }

    @Test
    void theConfigurationMustNameTheNetwork() {
        DesiredCloud withoutVpc = new DesiredCloud("c1", 1, true, false, List.of(),
                new NetworkConfig.CloudSettings("aliyun", "cn-hangzhou", null, "vsw-corvus", 100, "PayByTraffic"), List.of(), null);

        assertThatThrownBy(() -> provider.observe(withoutVpc, null)).isInstanceOfSatisfying(CloudException.class, e -> {
            assertThat(e.kind()).isEqualTo(CloudException.Kind.NEEDS_ATTENTION);
            assertThat(e.getMessage()).isEqualTo("cloud.vpcId is required for provider aliyun: set it in the cluster's network configuration");
        });
    }

    /** Plans and executes until nothing is left and no EIP is in transition; the recorded ids are what was last observed. */
    private ObservedCloud converge(DesiredCloud desired) throws Exception {
        ObservedCloud observed = provider.observe(desired, null);
        for (int round = 0; round < 30; round++) {
            List<CloudAction> plan = ReconcilePlanner.plan(desired, observed, desired.settings().eipBandwidthMbps());
            if (plan.isEmpty() && ReconcilePlanner.waitingFor(observed).isEmpty()) {
                return observed;
            }
            for (CloudAction action : plan) {
                provider.execute(desired, action);
            }
            observed = provider.observe(desired, recorded(observed));
        }
        throw new AssertionError("did not settle: " + observed);
    }

    static io.corvus.events.payload.CloudState recorded(ObservedCloud observed) {
        return new io.corvus.events.payload.CloudState("c1", 1, "aliyun", observed.acl() == null ? "" : observed.acl().id(), "",
                observed.eip() == null ? "" : observed.eip().id(), "", false, true,
                observed.loadBalancer() == null ? "" : observed.loadBalancer().id(), "", null, Instant.now());
    }

    static DesiredCloud desired(boolean proxy, boolean tunnel, List<String> acl, List<String> backends) {
        return desired("c1", proxy, tunnel, acl, backends);
    }

    static DesiredCloud desired(String clusterId, boolean proxy, boolean tunnel, List<String> acl, List<String> backends) {
        return new DesiredCloud(clusterId, 1, proxy, tunnel, acl,
                new NetworkConfig.CloudSettings("aliyun", "cn-hangzhou", "vpc-corvus", "vsw-corvus", 100, "PayByTraffic"),
                backends, tunnel && !backends.isEmpty() ? backends.getFirst() : null);
    }
}
