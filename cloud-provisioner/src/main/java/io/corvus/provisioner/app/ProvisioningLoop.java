package io.corvus.provisioner.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.ProvisioningStep.Step;
import io.corvus.events.payload.ProvisioningStep;
import io.corvus.provisioner.domain.CloudAction;
import io.corvus.provisioner.domain.DesiredCloud;
import io.corvus.provisioner.domain.ObservedCloud;
import io.corvus.provisioner.domain.ReconcilePlanner;
import io.corvus.service.Backoff;
import org.jboss.logging.Logger;

/**
 * The provisioner of one replica: for each cluster of the partitions it owns, it reconciles the
 * cloud side with the configuration (and the cloud gateways' endpoints) whenever either changes,
 * reports each step, and publishes the resulting resources and raven-cfg as soon as they change,
 * so that no resource it made goes unrecorded. A failed step records a degraded (or, when a
 * person must act, failed) state with the reason and the time of the next try.
 */
public final class ProvisioningLoop {

    private static final Logger LOG = Logger.getLogger(ProvisioningLoop.class);

    private static final int MAX_ROUNDS = 20;
    /** Retries of a failed reconcile: 2 s doubling to 5 min, jittered; "needs attention" waits the longest. */
    static final Backoff RETRY = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5));
    /** How soon an asynchronous cloud operation (EIP association) is looked at again. */
    static final Duration POLL = Duration.ofSeconds(1);

    /** What the provisioner knows of one cluster. */
    private static final class Cluster {
        ConfigChanged config;
        final Map<String, GatewayTopology> cloudGateways = new HashMap<>();
        /** the newest cloud state on the topic, written by this replica or an earlier owner */
        CloudState recorded;
        Integer bandwidthWeSet;
        long requestedRevision = -1;
        long reconciledRevision = -1;
        boolean dirty = true;
        Instant retryAt;
        int failures;
    }

    private final Map<String, CloudProvider> providers;
    private final ProvisioningOutput output;
    private final Clock clock;
    private final RandomGenerator random;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Cluster> clusters = new HashMap<>();
    private final Set<Integer> owned = new HashSet<>();

    public ProvisioningLoop(Collection<CloudProvider> providers, ProvisioningOutput output, Clock clock) {
        this(providers, output, clock, RandomGenerator.getDefault());
    }

    public ProvisioningLoop(Collection<CloudProvider> providers, ProvisioningOutput output, Clock clock, RandomGenerator random) {
        this.providers = new LinkedHashMap<>();
        providers.forEach(p -> this.providers.put(p.name(), p));
        this.output = output;
        this.clock = clock;
        this.random = random;
    }

    public void apply(ConfigChanged config) {
        withCluster(config.clusterId(), c -> {
            if (c.config == null || config.revision() > c.config.revision()) {
                c.config = config;
                c.dirty = true;
                c.retryAt = null;
                c.failures = 0;
            }
        });
    }

    /** The configuration was deleted: release the cluster's cloud side. */
    public void removeConfig(String clusterId) {
        withCluster(clusterId, c -> {
            if (c.config != null) {
                NetworkConfig old = c.config.config();
                c.config = new ConfigChanged(clusterId, c.config.revision() + 1, clock.instant(), c.config.actor(),
                        new NetworkConfig(new NetworkConfig.ModeSettings(false), new NetworkConfig.ModeSettings(false),
                                List.of(), old.nodePools(), old.nodeLabels(), old.cloud()));
                c.dirty = true;
            }
        });
    }

    public void apply(GatewayTopology topology) {
        if (topology.edge()) {
            return;
        }
        withCluster(topology.clusterId(), c -> {
            GatewayTopology held = c.cloudGateways.get(topology.gatewayName());
            if (held == null || topology.generation() > held.generation()) {
                c.cloudGateways.put(topology.gatewayName(), topology);
                c.dirty = true;
            }
        });
    }

    /** The resources recorded on corvus.cloud-state.v1 (by this or an earlier owner). */
    public void apply(CloudState state) {
        withCluster(state.clusterId(), c -> {
            if (c.recorded == null || state.updatedAt().isAfter(c.recorded.updatedAt())) {
                c.recorded = state;
            }
        });
    }

    public void own(Collection<Integer> partitions) {
        locked(() -> owned.addAll(partitions));
    }

    public void release(Collection<Integer> partitions) {
        locked(() -> {
            owned.removeAll(partitions);
            clusters.keySet().removeIf(id -> partitions.contains(ClusterPartitioner.partitionFor(id, Topic.PARTITIONS)));
        });
    }

    /** Reconciles every owned cluster that changed or whose retry (or poll) is due. */
    public void reconcileOwned() {
        lock.lock();
        try {
            Instant now = clock.instant();
            for (Map.Entry<String, Cluster> entry : clusters.entrySet()) {
                Cluster c = entry.getValue();
                boolean due = c.dirty || (c.retryAt != null && !now.isBefore(c.retryAt));
                if (c.config != null && due && owned.contains(ClusterPartitioner.partitionFor(entry.getKey(), Topic.PARTITIONS))) {
                    reconcile(entry.getKey(), c);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void reconcile(String clusterId, Cluster c) {
        c.dirty = false;
        c.retryAt = null;
        DesiredCloud desired = DesiredCloud.of(c.config, List.copyOf(c.cloudGateways.values()));
        if (c.bandwidthWeSet == null && c.recorded != null) {
            c.bandwidthWeSet = c.recorded.eipBandwidthMbps();
        }
        CloudProvider provider = null;
        boolean changedSomething = false;
        try {
            provider = provider(desired, c.recorded);
            if (c.requestedRevision != c.config.revision()) {
                c.requestedRevision = c.config.revision();
                step(c, Step.REQUESTED, (desired.enabled() ? "provisioning" : "releasing") + " the cloud side for revision "
                        + c.config.revision(), null, null, ObservedCloud.NOTHING);
            }
            ObservedCloud observed = provider.observe(desired, c.recorded);
            for (int round = 0; round < MAX_ROUNDS; round++) {
                List<CloudAction> plan = ReconcilePlanner.plan(desired, observed, c.bandwidthWeSet);
                if (plan.isEmpty()) {
                    break;
                }
                for (CloudAction action : plan) {
                    changedSomething = true;
                    provider.execute(desired, action);
                    if (action instanceof CloudAction.AllocateEip || action instanceof CloudAction.ModifyEipBandwidth) {
                        c.bandwidthWeSet = desired.settings().eipBandwidthMbps();
                    }
                }
                observed = provider.observe(desired, c.recorded);
                record(clusterId, c, desired, observed);
                reportRound(c, plan, observed);
            }
            if (!ReconcilePlanner.plan(desired, observed, c.bandwidthWeSet).isEmpty()) {
                throw new CloudException(CloudException.Kind.TRANSIENT, "the cloud did not settle within " + MAX_ROUNDS + " rounds");
            }
            record(clusterId, c, desired, observed);
            Optional<String> waiting = ReconcilePlanner.waitingFor(observed);
            if (waiting.isPresent()) {
                c.retryAt = clock.instant().plus(POLL);
                LOG.debugf("cluster %s: waiting: %s", clusterId, waiting.get());
                return;
            }
            c.failures = 0;
            if (c.reconciledRevision != c.config.revision()) {
                c.reconciledRevision = c.config.revision();
                step(c, desired.enabled() ? Step.READY : Step.RELEASED, desired.enabled()
                        ? "the cloud side is ready" + (observed.eip() == null ? "" : " at " + observed.eip().ipAddress())
                        : "every cloud resource of the cluster is released", null, null, observed);
            }
        } catch (CloudException e) {
            fail(clusterId, c, e.kind() == CloudException.Kind.NEEDS_ATTENTION ? Step.FAILED : Step.DEGRADED, e.getMessage());
            recordAfterFailure(clusterId, c, desired, provider, changedSomething);
        } catch (Exception e) {
            fail(clusterId, c, Step.DEGRADED, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            recordAfterFailure(clusterId, c, desired, provider, changedSomething);
        }
    }

    private CloudProvider provider(DesiredCloud desired, CloudState recorded) throws CloudException {
        String name = desired.settings().provider();
        CloudProvider provider = providers.get(name);
        if (provider == null) {
            throw new CloudException(CloudException.Kind.NEEDS_ATTENTION, "cloud provider '" + name
                    + "' is not available in this build; known: " + String.join(", ", providers.keySet()));
        }
        if (recorded != null && !recorded.provider().equals(name) && holdsResources(recorded)) {
            throw new CloudException(CloudException.Kind.NEEDS_ATTENTION, "the cluster still holds resources at provider '"
                    + recorded.provider() + "' (" + recorded.ravenConfig() + "); switching to '" + name
                    + "' would leave them behind: disable both modes first so they are released, then switch");
        }
        return provider;
    }

    private static boolean holdsResources(CloudState state) {
        return !state.loadBalancerId().isEmpty() || !state.eipId().isEmpty() || !state.aclId().isEmpty();
    }

    private void fail(String clusterId, Cluster c, Step step, String reason) {
        c.failures++;
        Duration wait = step == Step.FAILED ? RETRY.longest() : RETRY.delay(c.failures, random);
        c.retryAt = clock.instant().plus(wait);
        try {
            step(c, step, step == Step.FAILED ? "a step needs attention; retrying at " + c.retryAt : "a step failed; retrying",
                    reason, c.retryAt, ObservedCloud.NOTHING);
        } catch (Exception reporting) {
            LOG.warnf("cluster %s: cannot report the %s state either: %s", clusterId, step.wireName(), reporting.getMessage());
        }
    }

    /** After a failed change, records what exists now (best effort), so nothing made so far goes unrecorded. */
    private void recordAfterFailure(String clusterId, Cluster c, DesiredCloud desired, CloudProvider provider, boolean changedSomething) {
        if (provider == null || !changedSomething) {
            return;
        }
        try {
            record(clusterId, c, desired, provider.observe(desired, c.recorded));
        } catch (Exception e) {
            LOG.debugf("cluster %s: cannot observe after the failure (%s); the next try finds the resources by tag or name",
                    clusterId, e.getMessage());
        }
    }

    private void reportRound(Cluster c, List<CloudAction> plan, ObservedCloud observed) throws Exception {
        if (plan.stream().anyMatch(a -> a instanceof CloudAction.CreateLoadBalancer) && observed.loadBalancer() != null) {
            step(c, Step.LB_READY, "load balancer " + observed.loadBalancer().id() + " at " + observed.loadBalancer().address(),
                    null, null, observed);
        }
        if (plan.stream().anyMatch(a -> a instanceof CloudAction.AllocateEip || a instanceof CloudAction.AssociateEip)
                && observed.eip() != null) {
            step(c, Step.EIP_ALLOCATED, "EIP " + observed.eip().ipAddress() + (observed.eip().associatedWith() == null
                    ? " allocated" : " " + observed.eip().status() + " with " + observed.eip().associatedWith()), null, null, observed);
        }
        if (plan.stream().anyMatch(a -> a instanceof CloudAction.AddAclEntries || a instanceof CloudAction.RemoveAclEntries
                || a instanceof CloudAction.DeleteAcl)) {
            String whitelist = observed.acl() != null ? "whitelist " + observed.acl().id() + " holds " + observed.acl().entries().size()
                    + " entries" : c.config.config().disabled() ? "whitelist deleted" : "no whitelist: every source may connect";
            step(c, Step.ACL_APPLIED, whitelist, null, null, observed);
        }
        if (plan.stream().anyMatch(a -> a instanceof CloudAction.StartListener)) {
            step(c, Step.LISTENERS_READY, "listeners " + new TreeSet<>(observed.listeners().keySet()) + " running",
                    null, null, observed);
        }
        if (plan.stream().anyMatch(a -> a instanceof CloudAction.SetBackends) && observed.loadBalancer() != null) {
            step(c, Step.BACKENDS_UPDATED, "backends " + observed.loadBalancer().backends(), null, null, observed);
        }
    }

    /** Publishes the cluster's resources (corvus.cloud-state.v1 and raven-cfg) when they differ from the recorded ones. */
    private void record(String clusterId, Cluster c, DesiredCloud desired, ObservedCloud observed) throws Exception {
        ObservedCloud.Eip eip = observed.eip();
        if (eip == null) {
            c.bandwidthWeSet = null;
        } else if (eip.bandwidthMbps() == desired.settings().eipBandwidthMbps()) {
            c.bandwidthWeSet = eip.bandwidthMbps(); // the configuration and the cloud agree: the bandwidth is ours again
        }
        CloudState state = new CloudState(clusterId, c.config.revision(), desired.settings().provider(),
                observed.acl() == null ? "" : observed.acl().id(),
                observed.acl() == null ? "" : String.join(",", observed.acl().entries()),
                eip == null ? "" : eip.id(), eip == null ? "" : eip.ipAddress(),
                desired.tunnel(), desired.proxy(),
                observed.loadBalancer() == null ? "" : observed.loadBalancer().id(),
                observed.loadBalancer() == null ? "" : observed.loadBalancer().address(),
                eip == null ? null : c.bandwidthWeSet, clock.instant());
        CloudState before = c.recorded;
        boolean resourcesChanged = before == null || !before.ravenConfig().equals(state.ravenConfig())
                || !before.provider().equals(state.provider());
        if (resourcesChanged || !Objects.equals(before.eipBandwidthMbps(), state.eipBandwidthMbps())) {
            output.cloudState(state);
            c.recorded = state;
        }
        if (resourcesChanged) {
            output.ravenConfig(clusterId, state.ravenConfig());
        }
    }

    private void step(Cluster c, Step step, String message, String reason, Instant retryAt, ObservedCloud observed) throws Exception {
        Map<String, String> resources = new LinkedHashMap<>();
        if (observed.loadBalancer() != null) {
            resources.put("loadbalancer-id", observed.loadBalancer().id());
        }
        if (observed.eip() != null) {
            resources.put("eip-id", observed.eip().id());
            resources.put("eip-ip", observed.eip().ipAddress());
        }
        if (observed.acl() != null) {
            resources.put("acl-id", observed.acl().id());
        }
        output.step(new ProvisioningStep(c.config.clusterId(), c.config.revision(), step, clock.instant(), message, reason,
                retryAt, resources));
        if (reason == null) {
            LOG.infof("cluster %s: %s: %s", c.config.clusterId(), step.wireName(), message);
        } else {
            LOG.warnf("cluster %s: %s: %s: %s", c.config.clusterId(), step.wireName(), message, reason);
        }
    }

    private interface ClusterChange {
        void apply(Cluster cluster);
    }

    private void withCluster(String clusterId, ClusterChange change) {
        locked(() -> change.apply(clusters.computeIfAbsent(clusterId, id -> new Cluster())));
    }

    private void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }
}
