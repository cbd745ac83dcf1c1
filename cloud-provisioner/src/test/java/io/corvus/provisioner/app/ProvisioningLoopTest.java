package io.corvus.provisioner.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.ProvisioningStep;
import io.corvus.events.payload.ProvisioningStep.Step;
import io.corvus.provisioner.adapter.local.LocalCloud;
import io.corvus.provisioner.adapter.local.LocalCloudProvider;
import io.corvus.provisioner.domain.CloudAction;
import io.corvus.provisioner.domain.ObservedCloud;
import org.junit.jupiter.api.Test;

class ProvisioningLoopTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T08:00:00Z"));
    private final Recorded recorded = new Recorded();
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
    void aFailedStepIsDegradedWithTheReasonAndRetriedAfterTheBackoff() {
        owned("c1");
        FlakyProvider flaky = new FlakyProvider(new LocalCloudProvider(cloud));
        ProvisioningLoop withFlaky = new ProvisioningLoop(List.of(flaky), recorded, clock);
        withFlaky.own(List.of(ClusterPartitioner.partitionFor("c1", Topic.PARTITIONS)));
        withFlaky.apply(config("c1", 1, true, "local", List.of()));

        withFlaky.reconcileOwned();
        ProvisioningStep degraded = recorded.steps.getLast();
        assertThat(degraded.step()).isEqualTo(Step.DEGRADED);
        assertThat(degraded.reason()).isEqualTo("Throttling.User: Request was denied due to user flow control.");
        assertThat(degraded.nextRetryAt()).isEqualTo(clock.instant().plusSeconds(2));

        withFlaky.reconcileOwned();
        assertThat(recorded.steps.getLast().step()).as("not before the retry time").isEqualTo(Step.DEGRADED);
        clock.advance(Duration.ofSeconds(2));
        withFlaky.reconcileOwned();
        assertThat(recorded.steps.getLast().step()).isEqualTo(Step.READY);
    }

    @Test
    void afterARestartABandwidthChangeIsAppliedWhicheverOrderTheTopicsAreReadIn() {
        assertThat(bandwidthAfterRestartAndChangeTo(200, true)).as("cloud state read first").isEqualTo(200);
        assertThat(bandwidthAfterRestartAndChangeTo(300, false)).as("configuration read first").isEqualTo(300);
    }

    /** Provisions revision 1, restarts the loop (reading both topics in the given order), then changes the bandwidth. */
    private int bandwidthAfterRestartAndChangeTo(int bandwidth, boolean cloudStateFirst) {
        LocalCloud ownCloud = new LocalCloud();
        Recorded output = new Recorded();
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
    void aProviderThatIsNotBuiltIsAClearDegradedReasonNotACrash() {
        owned("c1");
        loop.apply(config("c1", 1, true, "aliyun", List.of()));

        loop.reconcileOwned();

        assertThat(recorded.steps.getLast().step()).isEqualTo(Step.DEGRADED);
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
                new NetworkConfig.ModeSettings(proxy), new NetworkConfig.ModeSettings(false), acl, Map.of(),
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
                List.of(new GatewayTopology.Endpoint("cloud-1", GatewayTopology.EndpointType.PROXY, address, null, null, null)),
                List.of(), null, Instant.parse("2026-11-26T08:00:00Z"));
    }

    /** Records what the loop reports. */
    private static final class Recorded implements ProvisioningOutput {
        final List<ProvisioningStep> steps = new ArrayList<>();
        final List<CloudState> states = new ArrayList<>();
        final List<Map<String, String>> ravenCfg = new ArrayList<>();

        @Override
        public void step(ProvisioningStep step) {
            steps.add(step);
        }

        @Override
        public void cloudState(CloudState state) {
            states.add(state);
        }

        @Override
        public void ravenConfig(String clusterId, Map<String, String> data) {
            ravenCfg.add(data);
        }
    }

    /** Throttled once on the first EIP allocation, as the real API can be. */
    private static final class FlakyProvider implements CloudProvider {
        private final CloudProvider delegate;
        private boolean throttled;

        FlakyProvider(CloudProvider delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public ObservedCloud observe(String clusterId) {
            return delegate.observe(clusterId);
        }

        @Override
        public void execute(String clusterId, CloudAction action) {
            if (action instanceof CloudAction.AllocateEip && !throttled) {
                throttled = true;
                throw new IllegalStateException("Throttling.User: Request was denied due to user flow control.");
            }
            delegate.execute(clusterId, action);
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
