package io.corvus.provisioner.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.ProvisioningStep.Step;
import io.corvus.events.payload.ProvisioningStep;
import io.corvus.provisioner.ForwardingProvider;
import io.corvus.provisioner.RecordedOutput;
import io.corvus.testing.TestClock;
import io.corvus.provisioner.adapter.local.LocalCloud;
import io.corvus.provisioner.adapter.local.LocalCloudProvider;
import io.corvus.provisioner.domain.CloudAction;
import io.corvus.provisioner.domain.DesiredCloud;
import io.corvus.provisioner.domain.ObservedCloud;
import org.junit.jupiter.api.Test;

class ProvisioningLoopTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-11-26T08:00:00Z"));
    private final RecordedOutput recorded = new RecordedOutput();
    private final LocalCloud cloud = new LocalCloud();
    private final ProvisioningLoop loop = new ProvisioningLoop(List.of(new LocalCloudProvider(cloud)), recorded, clock);

    @Test
    void anEnabledConfigurationIsProvisionedStepByStepAndRecordedInRavenCfg() {
        owned("c1");
        loop.apply(cloudGateway("c1", "10.0.0.5"));
        loop.apply(config("c1", 1, true, "local", List.of("203.0.113.0/24", "100.64.0.0/10")));

        loop.reconcileOwned();

        assertThat(recorded.steps).extracting(ProvisioningStep::step).containsExactly(
                Step.REQUESTED, Step.LB_READY, Step.EIP_ALLOCATED, // round 1: CLB, EIP and ACL created
                Step.EIP_ALLOCATED, Step.ACL_APPLIED, Step.BACKENDS_UPDATED, // round 2: associated, entries, listeners, backends
                Step.LISTENERS_READY, Step.READY); // round 3: listeners started
        Map<String, String> ravenCfg = recorded.ravenCfg.getLast();
        assertThat(ravenCfg).containsOnlyKeys("acl-id", "acl-entry", "eip-id", "eip-ip", "enable-l3-tunnel", "enable-l7-proxy",
                "loadbalancer-id", "loadbalancer-ip");
        assertThat(ravenCfg.get("eip-ip")).startsWith("198.51.100.");
        assertThat(ravenCfg).containsEntry("enable-l7-proxy", "true").containsEntry("enable-l3-tunnel", "false")
                .containsEntry("acl-entry", "203.0.113.0/24,100.64.0.0/10");
        assertThat(cloud.observe("c1").loadBalancer().backends()).containsExactly("10.0.0.5");

        int before = recorded.steps.size();
        loop.reconcileOwned();
        assertThat(recorded.steps).as("a settled cluster is left alone").hasSize(before);
    }

    @Test
    void disablingReleasesEverythingAndEmptiesRavenCfg() {
        owned("c1");
        loop.apply(config("c1", 1, true, "local", List.of("203.0.113.0/24", "100.64.0.0/10")));
        loop.reconcileOwned();

        loop.apply(config("c1", 2, false, "local", List.of("203.0.113.0/24", "100.64.0.0/10")));
        loop.reconcileOwned();

        assertThat(recorded.steps.getLast().step()).isEqualTo(Step.RELEASED);
        assertThat(cloud.observe("c1")).isEqualTo(ObservedCloud.NOTHING);
        assertThat(recorded.ravenCfg.getLast()).containsEntry("enable-l7-proxy", "false").containsEntry("enable-l3-tunnel", "false")
                .containsEntry("eip-id", "").containsEntry("loadbalancer-id", "").containsEntry("acl-id", "");
    }

    @Test
    void aConfigurationCreatedAgainAfterADeleteIsProvisionedAgain() {
        owned("c1");
        loop.apply(config("c1", 1, true, "local", List.of("203.0.113.0/24", "100.64.0.0/10")));
        loop.reconcileOwned();
        loop.apply(config("c1", 2, false, "local", List.of("203.0.113.0/24", "100.64.0.0/10"))); // DELETE: both modes off,
        loop.removeConfig("c1");                                                                // then the tombstone
        loop.reconcileOwned();
        int before = recorded.steps.size();

        loop.apply(config("c1", 3, true, "local", List.of("203.0.113.0/24", "100.64.0.0/10"))); // config-service's next revision
        loop.reconcileOwned();

        assertThat(recorded.steps.subList(before, recorded.steps.size())).extracting(p -> p.step() + "@" + p.configRevision())
                .startsWith("REQUESTED@3").endsWith("READY@3");
        assertThat(cloud.observe("c1").loadBalancer()).as("the cloud side exists again").isNotNull();
    }

    @Test
    void aFailedStepIsDegradedWithTheReasonAndRetriedAfterAJitteredBackoff() {
        owned("c1");
        FlakyProvider flaky = new FlakyProvider(new LocalCloudProvider(cloud));
        ProvisioningLoop withFlaky = new ProvisioningLoop(List.of(flaky), recorded, clock, new SplittableRandom(7));
        withFlaky.own(List.of(ClusterPartitioner.partitionFor("c1", Topic.PARTITIONS)));
        withFlaky.apply(config("c1", 1, true, "local", List.of()));

        withFlaky.reconcileOwned();
        ProvisioningStep degraded = recorded.steps.getLast();
        assertThat(degraded.step()).isEqualTo(Step.DEGRADED);
        assertThat(degraded.reason()).isEqualTo("AllocateEipAddress: Throttling.User: Request was denied due to user flow control.");
        assertThat(degraded.nextRetryAt()).isBetween(clock.instant().plusSeconds(1), clock.instant().plusSeconds(2));
        assertThat(recorded.states.getLast().loadBalancerId()).as("the load balancer made before the failure is recorded")
                .isEqualTo(cloud.observe("c1").loadBalancer().id());

        withFlaky.reconcileOwned();
        assertThat(recorded.steps.getLast().step()).as("not before the retry time").isEqualTo(Step.DEGRADED);
        clock.advance(Duration.ofSeconds(2));
        withFlaky.reconcileOwned();
        assertThat(recorded.steps.getLast().step()).isEqualTo(Step.READY);
        assertThat(recorded.steps).extracting(ProvisioningStep::step).as("requested once per revision, however many tries")
                .containsOnlyOnce(Step.REQUESTED);
    }

    @Test
    void anAsynchronousAssociationIsPolledUntilDoneWithoutBeingReportedDegraded() {
        owned("c1");
        SlowAssociation slow = new SlowAssociation(new LocalCloudProvider(cloud), 3);
        ProvisioningLoop withSlow = new ProvisioningLoop(List.of(slow), recorded, clock);
        withSlow.own(List.of(ClusterPartitioner.partitionFor("c1", Topic.PARTITIONS)));
        withSlow.apply(config("c1", 1, true, "local", List.of()));

        for (int poll = 0; poll < 5; poll++) {
            withSlow.reconcileOwned();
            clock.advance(ProvisioningLoop.POLL);
        }

        assertThat(recorded.steps).extracting(ProvisioningStep::step).doesNotContain(Step.DEGRADED, Step.FAILED).endsWith(Step.READY);
    }

    @Test
    void aUsersResizeIsKeptAcrossARestartEvenWhenTheConfiguredBandwidthChanges() {
        owned("c1");
        loop.apply(config("c1", 1, true, "local", List.of()));
        loop.reconcileOwned();
        ObservedCloud.Eip eip = cloud.observe("c1").eip();
        cloud.execute("c1", new CloudAction.ModifyEipBandwidth(eip.id(), 500)); // resized in the console

        ProvisioningLoop restarted = new ProvisioningLoop(List.of(new LocalCloudProvider(cloud)), recorded, clock);
        restarted.own(List.of(ClusterPartitioner.partitionFor("c1", Topic.PARTITIONS)));
        restarted.apply(recorded.states.getLast());
        restarted.apply(withBandwidth(config("c1", 2, true, "local", List.of()), 200));
        restarted.reconcileOwned();

        assertThat(cloud.observe("c1").eip().bandwidthMbps()).isEqualTo(500);
        assertThat(recorded.steps.getLast().step()).isEqualTo(Step.READY);
    }

    @Test
    void aFreshProcessRestoresTheLocalCloudFromTheTopicInsteadOfMakingASecondSet() {
        owned("c1");
        loop.apply(config("c1", 1, true, "local", List.of("203.0.113.0/24", "100.64.0.0/10")));
        loop.reconcileOwned();
        CloudState before = recorded.states.getLast();

        LocalCloud freshCloud = new LocalCloud();
        ProvisioningLoop restarted = new ProvisioningLoop(List.of(new LocalCloudProvider(freshCloud)), recorded, clock);
        restarted.own(List.of(ClusterPartitioner.partitionFor("c1", Topic.PARTITIONS)));
        restarted.apply(config("c1", 1, true, "local", List.of("203.0.113.0/24", "100.64.0.0/10")));
        restarted.apply(before);
        restarted.reconcileOwned();

        assertThat(recorded.states.getLast().ravenConfig()).isEqualTo(before.ravenConfig());
    }

    @Test
    void switchingProviderWhileResourcesExistNeedsAttentionInsteadOfLeavingThemBehind() {
        owned("c1");
        loop.apply(config("c1", 1, true, "local", List.of()));
        loop.reconcileOwned();

        ProvisioningLoop both = new ProvisioningLoop(List.of(new LocalCloudProvider(cloud), new NamedOnly("aliyun")), recorded, clock);
        both.own(List.of(ClusterPartitioner.partitionFor("c1", Topic.PARTITIONS)));
        both.apply(recorded.states.getLast());
        both.apply(config("c1", 2, true, "aliyun", List.of()));
        both.reconcileOwned();

        ProvisioningStep failed = recorded.steps.getLast();
        assertThat(failed.step()).isEqualTo(Step.FAILED);
        assertThat(failed.reason()).contains("still holds resources at provider 'local'").contains("disable both modes first");
        assertThat(failed.nextRetryAt()).isEqualTo(clock.instant().plus(ProvisioningLoop.RETRY.longest()));
    }

    @Test
    void afterARestartABandwidthChangeIsAppliedWhicheverOrderTheTopicsAreReadIn() {
        assertThat(bandwidthAfterRestartAndChangeTo(200, true)).as("cloud state read first").isEqualTo(200);
        assertThat(bandwidthAfterRestartAndChangeTo(300, false)).as("configuration read first").isEqualTo(300);
    }

    /** Provisions revision 1, restarts the loop (reading both topics in the given order), then changes the bandwidth. */
    private int bandwidthAfterRestartAndChangeTo(int bandwidth, boolean cloudStateFirst) {
        LocalCloud ownCloud = new LocalCloud();
        RecordedOutput output = new RecordedOutput();
        ProvisioningLoop first = new ProvisioningLoop(List.of(new LocalCloudProvider(ownCloud)), output, clock);
        first.own(List.of(ClusterPartitioner.partitionFor("c1", Topic.PARTITIONS)));
        first.apply(config("c1", 1, true, "local", List.of()));
        first.reconcileOwned();

        ProvisioningLoop restarted = new ProvisioningLoop(List.of(new LocalCloudProvider(ownCloud)), output, clock);
        restarted.own(List.of(ClusterPartitioner.partitionFor("c1", Topic.PARTITIONS)));
        if (cloudStateFirst) {
            restarted.apply(output.states.getLast());
            restarted.apply(config("c1", 1, true, "local", List.of()));
        } else {
            restarted.apply(config("c1", 1, true, "local", List.of()));
            restarted.apply(output.states.getLast());
        }
        restarted.reconcileOwned();
        restarted.apply(withBandwidth(config("c1", 2, true, "local", List.of()), bandwidth));
        restarted.reconcileOwned();
        return ownCloud.observe("c1").eip().bandwidthMbps();
    }

    @Test
    void aProviderThatIsNotBuiltIsAClearFailedReasonNotACrash() {
        owned("c1");
        loop.apply(config("c1", 1, true, "aliyun", List.of()));

        loop.reconcileOwned();

        assertThat(recorded.steps.getLast().step()).isEqualTo(Step.FAILED);
        assertThat(recorded.steps.getLast().reason()).isEqualTo("cloud provider 'aliyun' is not available in this build; known: local");
    }

    @Test
    void clustersOfPartitionsNotOwnedAreLeftToTheirOwner() {
        loop.apply(config("c1", 1, true, "local", List.of()));

        loop.reconcileOwned();

        assertThat(recorded.steps).isEmpty();
    }

    private void owned(String clusterId) {
        loop.own(List.of(ClusterPartitioner.partitionFor(clusterId, Topic.PARTITIONS)));
    }

    private static ConfigChanged config(String clusterId, long revision, boolean proxy, String provider, List<String> acl) {
        return new ConfigChanged(clusterId, revision, Instant.parse("2026-11-26T08:00:00Z"), "test", new NetworkConfig(
                new NetworkConfig.ModeSettings(proxy), NetworkConfig.TunnelSettings.OFF.enabled(false), acl, Map.of(),
                new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool", "openyurt.io/is-edge-worker=true"),
                new NetworkConfig.CloudSettings(provider, "cn-hangzhou", "vpc-a", "vsw-a", 100, "PayByTraffic")));
    }

    private static ConfigChanged withBandwidth(ConfigChanged config, int bandwidth) {
        NetworkConfig c = config.config();
        return new ConfigChanged(config.clusterId(), config.revision(), config.changedAt(), config.actor(), new NetworkConfig(
                c.proxy(), c.tunnel(), c.accessControlList(), c.nodePools(), c.nodeLabels(),
                new NetworkConfig.CloudSettings(c.cloud().provider(), c.cloud().regionId(), c.cloud().vpcId(),
                        c.cloud().vSwitchId(), bandwidth, c.cloud().eipChargeType())));
    }

    private static GatewayTopology cloudGateway(String clusterId, String address) {
        return new GatewayTopology(clusterId, "cloud", 1, "cloud", false, true, false,
                List.of(GatewayTopology.Endpoint.proxy("cloud-1", address)),
                List.of(), null, List.of(), Instant.parse("2026-11-26T08:00:00Z"), null);
    }

    /** Throttled once on the first EIP allocation, as the real API can be. */
    private static final class FlakyProvider extends ForwardingProvider {
        private boolean throttled;

        FlakyProvider(CloudProvider delegate) {
            super(delegate);
        }

        @Override
        public void execute(DesiredCloud cluster, CloudAction action) throws CloudException {
            if (action instanceof CloudAction.AllocateEip && !throttled) {
                throttled = true;
                throw new CloudException(CloudException.Kind.TRANSIENT,
                        "AllocateEipAddress: Throttling.User: Request was denied due to user flow control.");
            }
            super.execute(cluster, action);
        }
    }

    /** Reports the EIP as "Associating" for the first observations after it was associated, as the real API does. */
    private static final class SlowAssociation extends ForwardingProvider {
        private int associatingFor;

        SlowAssociation(CloudProvider delegate, int observations) {
            super(delegate);
            this.associatingFor = observations;
        }

        @Override
        public ObservedCloud observe(DesiredCloud cluster, CloudState recordedState) throws CloudException {
            ObservedCloud observed = super.observe(cluster, recordedState);
            ObservedCloud.Eip eip = observed.eip();
            if (eip == null || eip.associatedWith() == null || associatingFor-- <= 0) {
                return observed;
            }
            return new ObservedCloud(observed.loadBalancer(), new ObservedCloud.Eip(eip.id(), eip.ipAddress(), eip.bandwidthMbps(),
                    "Associating", eip.associatedWith()), observed.acl(), observed.listeners());
        }
    }

    /** A provider that is configured but never reached in the test. */
    private record NamedOnly(String name) implements CloudProvider {
        @Override
        public ObservedCloud observe(DesiredCloud cluster, CloudState recordedState) {
            throw new AssertionError("not to be reached");
        }

        @Override
        public void execute(DesiredCloud cluster, CloudAction action) {
            throw new AssertionError("not to be reached");
        }
    }
}
