package io.corvus.provisioner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.corvus.events.payload.NetworkConfig;
import io.corvus.provisioner.adapter.local.LocalCloud;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ReconcilePlannerTest {

    private static final int MAX_ROUNDS = 30;

    @Provide
    Arbitrary<DesiredCloud> desiredStates() {
        return Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 130),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(1, 500)).as((proxy, tunnel, aclSize, backends, bandwidth) ->
                        desired(proxy, tunnel, aclSize, backends, bandwidth));
    }

    @Property(tries = 300)
    void fromWhateverAnEarlierConfigurationLeftTheCloudConvergesToTheDesiredState(
            @ForAll("desiredStates") DesiredCloud earlier, @ForAll("desiredStates") DesiredCloud desired) {
        LocalCloud cloud = new LocalCloud();
        converge(cloud, earlier, earlier.settings().eipBandwidthMbps());

        converge(cloud, desired, earlier.enabled() ? earlier.settings().eipBandwidthMbps() : null);

        ObservedCloud result = cloud.observe("c1");
        if (!desired.enabled()) {
            assertThat(result.loadBalancer()).isNull();
            assertThat(result.eip()).isNull();
            assertThat(result.acl()).isNull();
            assertThat(result.listeners()).isEmpty();
            return;
        }
        assertThat(result.listeners().keySet()).containsExactlyInAnyOrderElementsOf(desired.listeners().keySet());
        assertThat(result.listeners().values()).allSatisfy(l -> assertThat(l.running()).isTrue());
        assertThat(result.eip().associatedWith()).isEqualTo(result.loadBalancer().id());
        assertThat(result.eip().bandwidthMbps()).isEqualTo(desired.settings().eipBandwidthMbps());
        if (desired.acl().isEmpty()) {
            assertThat(result.acl()).isNull();
            assertThat(result.listeners().values()).allSatisfy(l -> assertThat(l.aclId()).isNull());
        } else {
            assertThat(result.acl().entries()).containsExactlyInAnyOrderElementsOf(desired.acl());
            assertThat(result.listeners().values()).allSatisfy(l -> assertThat(l.aclId()).isEqualTo(result.acl().id()));
        }
        assertThat(result.loadBalancer().backends()).containsExactlyInAnyOrderElementsOf(desired.proxyBackends());
    }

    @Test
    void aUsersResizeIsNotUndone() {
        LocalCloud cloud = new LocalCloud();
        DesiredCloud desired = desired(true, false, 0, 1, 100);
        converge(cloud, desired, null);
        ObservedCloud.Eip eip = cloud.observe("c1").eip();
        cloud.execute("c1", new CloudAction.ModifyEipBandwidth(eip.id(), 300)); // someone resized it in the console

        assertThat(ReconcilePlanner.plan(desired, cloud.observe("c1"), 100)).isEmpty();
        assertThat(ReconcilePlanner.plan(desired(true, false, 0, 1, 200), cloud.observe("c1"), 100))
                .as("our own value changed, but theirs stays").isEmpty();
    }

    @Test
    void aClusterWhoseConfiguredBandwidthChangedGetsItInPlace() {
        LocalCloud cloud = new LocalCloud();
        converge(cloud, desired(true, false, 0, 1, 100), null);

        List<CloudAction> plan = ReconcilePlanner.plan(desired(true, false, 0, 1, 200), cloud.observe("c1"), 100);

        assertThat(plan).singleElement().isInstanceOf(CloudAction.ModifyEipBandwidth.class);
    }

    @Test
    void aclEntriesChangeByDifferenceInBatchesOfFifty() {
        ObservedCloud observed = new ObservedCloud(new ObservedCloud.LoadBalancer("lb-1", "192.0.2.1", true, List.of()),
                new ObservedCloud.Eip("eip-1", "198.51.100.1", 100, "InUse", "lb-1"),
                new ObservedCloud.Acl("acl-1", cidrs(0, 70)), Map.of());

        List<CloudAction> plan = ReconcilePlanner.plan(desiredWithAcl(cidrs(10, 130)), observed, 100);

        assertThat(plan).filteredOn(a -> a instanceof CloudAction.RemoveAclEntries).singleElement()
                .satisfies(a -> assertThat(((CloudAction.RemoveAclEntries) a).entries()).hasSize(10));
        assertThat(plan).filteredOn(a -> a instanceof CloudAction.AddAclEntries)
                .extracting(a -> ((CloudAction.AddAclEntries) a).entries().size()).containsExactly(50, 10);
    }

    @Test
    void releaseTakesDownInTheOrderTheCloudAllows() {
        LocalCloud cloud = new LocalCloud();
        converge(cloud, desired(true, true, 3, 1, 100), null);
        DesiredCloud disabled = desired(false, false, 3, 1, 100);

        List<CloudAction> first = ReconcilePlanner.plan(disabled, cloud.observe("c1"), 100);

        assertThat(first).hasOnlyElementsOfTypes(CloudAction.DeleteListener.class, CloudAction.UnassociateEip.class);
        converge(cloud, disabled, 100);
        assertThat(cloud.observe("c1")).isEqualTo(ObservedCloud.NOTHING);
    }

    @Test
    void anEipStillAssociatingIsWaitedForAndNotTouched() {
        LocalCloud cloud = new LocalCloud();
        DesiredCloud desired = desired(true, false, 2, 1, 100);
        converge(cloud, desired, 100);
        ObservedCloud settled = cloud.observe("c1");
        ObservedCloud associating = withEipStatus(settled, "Associating");

        assertThat(ReconcilePlanner.plan(desired(true, false, 2, 1, 200), associating, 100))
                .as("not even our own bandwidth change while the association runs").isEmpty();
        assertThat(ReconcilePlanner.waitingFor(associating)).hasValue("EIP " + settled.eip().id() + " is Associating");
        assertThat(ReconcilePlanner.waitingFor(settled)).isEmpty();
    }

    @Test
    void releaseWaitsForAnEipThatIsStillBeingUnassociated() {
        LocalCloud cloud = new LocalCloud();
        converge(cloud, desired(true, false, 0, 1, 100), 100);
        ObservedCloud observed = cloud.observe("c1");
        ObservedCloud unassociating = new ObservedCloud(observed.loadBalancer(),
                new ObservedCloud.Eip(observed.eip().id(), observed.eip().ipAddress(), 100, "Unassociating", null), null, Map.of());

        List<CloudAction> plan = ReconcilePlanner.plan(desired(false, false, 0, 1, 100), unassociating, 100);

        assertThat(plan).as("neither the EIP nor the load balancer it is leaving can go yet").isEmpty();
        assertThat(ReconcilePlanner.waitingFor(unassociating)).isPresent();
    }

    @Test
    void aListenerOfTheWrongProtocolIsReplaced() {
        ObservedCloud observed = new ObservedCloud(new ObservedCloud.LoadBalancer("lb-1", "192.0.2.1", true, List.of()),
                new ObservedCloud.Eip("eip-1", "198.51.100.1", 100, "InUse", "lb-1"), null,
                Map.of(4500, new ObservedCloud.Listener(4500, "tcp", true, null)));

        List<CloudAction> plan = ReconcilePlanner.plan(desired(false, true, 0, 0, 100), observed, 100);

        assertThat(plan).contains(new CloudAction.DeleteListener("lb-1", 4500, "tcp"));
    }

    @Test
    void whatALateCreateMadeTwiceIsReleasedAndTheClusterKeepsWhatItUses() {
        LocalCloud cloud = new LocalCloud();
        DesiredCloud desired = desired(true, false, 2, 1, 100);
        converge(cloud, desired, 100);
        ObservedCloud settled = cloud.observe("c1");
        // replies that came after the cluster had its own: a replica that lost the cluster during the call
        cloud.execute("c1", new CloudAction.CreateLoadBalancer(desired.resourceName()));
        cloud.execute("c1", new CloudAction.AllocateEip(desired.resourceName(), 100, "PayByTraffic"));
        cloud.execute("c1", new CloudAction.CreateAcl(desired.resourceName()));
        assertThat(cloud.observe("c1").strays()).hasSize(3);

        converge(cloud, desired, 100);

        ObservedCloud after = cloud.observe("c1");
        assertThat(after.strays()).isEmpty();
        assertThat(after).isEqualTo(settled);
        converge(cloud, desired(false, false, 2, 1, 100), 100);
        assertThat(cloud.observe("c1")).as("and all of it goes on release").isEqualTo(ObservedCloud.NOTHING);
    }

    private static ObservedCloud withEipStatus(ObservedCloud observed, String status) {
        ObservedCloud.Eip eip = observed.eip();
        return new ObservedCloud(observed.loadBalancer(), new ObservedCloud.Eip(eip.id(), eip.ipAddress(), eip.bandwidthMbps(),
                status, eip.associatedWith()), observed.acl(), observed.listeners());
    }

    /** Plan, execute, observe again, until the plan is empty; fails when it does not settle. */
    static void converge(LocalCloud cloud, DesiredCloud desired, Integer bandwidthWeSet) {
        Integer weSet = bandwidthWeSet;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<CloudAction> plan = ReconcilePlanner.plan(desired, cloud.observe("c1"), weSet);
            if (plan.isEmpty()) {
                return;
            }
            for (CloudAction action : plan) {
                cloud.execute("c1", action);
                if (action instanceof CloudAction.AllocateEip || action instanceof CloudAction.ModifyEipBandwidth) {
                    weSet = desired.settings().eipBandwidthMbps();
                }
            }
        }
        throw new AssertionError("did not settle in " + MAX_ROUNDS + " rounds");
    }

    private static DesiredCloud desired(boolean proxy, boolean tunnel, int aclSize, int backends, int bandwidth) {
        List<String> acl = aclSize == 0 ? List.of() : cidrs(0, aclSize);
        List<String> backendAddresses = IntStream.range(0, backends).mapToObj(i -> "10.0.0." + (i + 1)).toList();
        return new DesiredCloud("c1", 1, proxy, tunnel, acl,
                NetworkConfig.CloudSettings.local(bandwidth), backendAddresses, null);
    }

    private static DesiredCloud desiredWithAcl(List<String> acl) {
        return new DesiredCloud("c1", 1, true, false, acl,
                NetworkConfig.CloudSettings.local(100), List.of(), null);
    }

    private static List<String> cidrs(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "10." + (i / 256) + "." + (i % 256) + ".0/24").toList();
    }
}
