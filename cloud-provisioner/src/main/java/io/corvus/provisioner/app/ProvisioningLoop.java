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
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.ProvisioningStep;
import io.corvus.events.payload.ProvisioningStep.Step;
import io.corvus.provisioner.domain.CloudAction;
import io.corvus.provisioner.domain.DesiredCloud;
import io.corvus.provisioner.domain.ObservedCloud;
import io.corvus.provisioner.domain.ReconcilePlanner;
import org.jboss.logging.Logger;

/**
 * The provisioner of one replica: for each cluster of the partitions it owns, it reconciles the
 * cloud side with the configuration (and the cloud gateways' endpoints) whenever either changes,
 * reports each step, and publishes the resulting resources and raven-cfg. A failed step records a
 * degraded state with the reason and the time of the next try (exponential backoff).
 */
public final class ProvisioningLoop {

    private static final Logger LOG = Logger.getLogger(ProvisioningLoop.class);

    private static final int MAX_ROUNDS = 20;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    private static final Duration LONGEST_RETRY = Duration.ofMinutes(5);

    /** What the provisioner knows of one cluster. */
    private static final class Cluster {
        ConfigChanged config;
        final Map<String, GatewayTopology> cloudGateways = new HashMap<>();
        CloudState published;
        Integer bandwidthWeSet;
        long reconciledRevision = -1;
        boolean dirty = true;
        Instant retryAt;
        int failures;
    }

    private final Map<String, CloudProvider> providers;
    private final ProvisioningOutput output;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Cluster> clusters = new HashMap<>();
    private final Set<Integer> owned = new HashSet<>();

    public ProvisioningLoop(Collection<CloudProvider> providers, ProvisioningOutput output, Clock clock) {
        this.providers = new LinkedHashMap<>();
        providers.forEach(p -> this.providers.put(p.name(), p));
        this.output = output;
        this.clock = clock;
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
            if (c.published == null || state.updatedAt().isAfter(c.published.updatedAt())) {
                c.published = state;
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

    /** Reconciles every owned cluster that changed or whose retry is due. */
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
        if (c.bandwidthWeSet == null && c.published != null && !c.published.eipId().isEmpty()
                && c.published.configRevision() == c.config.revision()) {
            // After a restart: the recorded resources were provisioned for this very revision, so its
            // bandwidth is the one we set. For any other revision we cannot tell ours from a user's resize.
            c.bandwidthWeSet = c.config.config().cloud().eipBandwidthMbps();
        }
        DesiredCloud desired = DesiredCloud.of(c.config, List.copyOf(c.cloudGateways.values()));
        String providerName = c.config.config().cloud().provider();
        CloudProvider provider = providers.get(providerName);
        try {
            if (provider == null) {
                throw new IllegalStateException("cloud provider '" + providerName + "' is not available in this build; known: "
                        + String.join(", ", providers.keySet()));
            }
            if (c.reconciledRevision != c.config.revision()) {
                step(c, Step.REQUESTED, (desired.enabled() ? "provisioning" : "releasing") + " the cloud side for revision "
                        + c.config.revision(), null, null, ObservedCloud.NOTHING);
            }
            ObservedCloud observed = provider.observe(clusterId);
            for (int round = 0; round < MAX_ROUNDS; round++) {
                List<CloudAction> plan = ReconcilePlanner.plan(desired, observed, c.bandwidthWeSet);
                if (plan.isEmpty()) {
                    break;
                }
                for (CloudAction action : plan) {
                    provider.execute(clusterId, action);
                    if (action instanceof CloudAction.AllocateEip || action instanceof CloudAction.ModifyEipBandwidth) {
                        c.bandwidthWeSet = desired.settings().eipBandwidthMbps();
                    }
                }
                observed = provider.observe(clusterId);
                reportRound(c, plan, observed);
            }
            if (!ReconcilePlanner.plan(desired, observed, c.bandwidthWeSet).isEmpty()) {
                throw new IllegalStateException("the cloud did not settle within " + MAX_ROUNDS + " rounds");
            }
            boolean newRevision = c.reconciledRevision != c.config.revision();
            c.reconciledRevision = c.config.revision();
            c.failures = 0;
            c.retryAt = null;
            publishState(clusterId, c, desired, observed);
            if (newRevision) {
                step(c, desired.enabled() ? Step.READY : Step.RELEASED, desired.enabled()
                        ? "the cloud side is ready" + (observed.eip() == null ? "" : " at " + observed.eip().ipAddress())
                        : "every cloud resource of the cluster is released", null, null, observed);
            }
        } catch (Exception e) {
            c.failures++;
            Duration backoff = FIRST_RETRY.multipliedBy(1L << Math.min(c.failures - 1, 8));
            c.retryAt = clock.instant().plus(backoff.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : backoff);
            LOG.warnf("cluster %s: %s; next try at %s", clusterId, e.getMessage(), c.retryAt);
            try {
                step(c, Step.DEGRADED, "a step failed; retrying", e.getMessage(), c.retryAt, ObservedCloud.NOTHING);
            } catch (Exception reporting) {
                LOG.warnf("cluster %s: cannot report the degraded state either: %s", clusterId, reporting.getMessage());
            }
        }
    }

    private void reportRound(Cluster c, List<CloudAction> plan, ObservedCloud observed) throws Exception {
        if (plan.stream().anyMatch(a -> a instanceof CloudAction.CreateLoadBalancer)) {
            step(c, Step.LB_READY, "load balancer " + observed.loadBalancer().id() + " created", null, null, observed);
        }
        if (plan.stream().anyMatch(a -> a instanceof CloudAction.AllocateEip || a instanceof CloudAction.AssociateEip)) {
            step(c, Step.EIP_ALLOCATED, "EIP " + observed.eip().ipAddress() + (observed.eip().associatedWith() == null
                    ? " allocated" : " associated with " + observed.eip().associatedWith()), null, null, observed);
        }
        if (plan.stream().anyMatch(a -> a instanceof CloudAction.AddAclEntries || a instanceof CloudAction.RemoveAclEntries
                || a instanceof CloudAction.DeleteAcl)) {
            step(c, Step.ACL_APPLIED, observed.acl() == null ? "no whitelist: every source may connect"
                    : "whitelist " + observed.acl().id() + " holds " + observed.acl().entries().size() + " entries", null, null, observed);
        }
        if (plan.stream().anyMatch(a -> a instanceof CloudAction.StartListener)) {
            step(c, Step.LISTENERS_READY, "listeners " + new java.util.TreeSet<>(observed.listeners().keySet()) + " running",
                    null, null, observed);
        }
        if (plan.stream().anyMatch(a -> a instanceof CloudAction.SetBackends)) {
            step(c, Step.BACKENDS_UPDATED, "backends " + observed.loadBalancer().backends(), null, null, observed);
        }
    }

    private void publishState(String clusterId, Cluster c, DesiredCloud desired, ObservedCloud observed) throws Exception {
        CloudState state = new CloudState(clusterId, c.config.revision(), c.config.config().cloud().provider(),
                observed.acl() == null ? "" : observed.acl().id(),
                observed.acl() == null ? "" : String.join(",", observed.acl().entries()),
                observed.eip() == null ? "" : observed.eip().id(), observed.eip() == null ? "" : observed.eip().ipAddress(),
                desired.tunnel(), desired.proxy(),
                observed.loadBalancer() == null ? "" : observed.loadBalancer().id(),
                observed.loadBalancer() == null ? "" : observed.loadBalancer().address(), clock.instant());
        if (c.published == null || !c.published.ravenConfig().equals(state.ravenConfig())) {
            output.cloudState(state);
            output.ravenConfig(clusterId, state.ravenConfig());
            c.published = state;
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
        LOG.infof("cluster %s: %s: %s", c.config.clusterId(), step.wireName(), message);
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
