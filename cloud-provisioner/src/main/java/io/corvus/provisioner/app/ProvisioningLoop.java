package io.corvus.provisioner.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

import io.corvus.events.Backoff;
import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Raven;
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
import io.corvus.service.work.ClusterWorkQueue;
import io.corvus.service.work.PartitionOwner;
import org.jboss.logging.Logger;

/**
 * The provisioner of one replica: for each cluster of the partitions it owns, it reconciles the
 * cloud side with the configuration (and the cloud gateways' endpoints) whenever either changes,
 * reports each step, and publishes the resulting resources and raven-cfg as soon as they change,
 * so that no resource it made goes unrecorded. A failed step records a degraded (or, when a
 * person must act, failed) state with the reason and the time of the next try.
 *
 * <p>Events only record what they say and mark their cluster dirty; the work queue reconciles one
 * cluster per worker, so a cloud API that hangs for one cluster delays no other, and no consumer
 * or rebalance waits for it. Every cloud change and every report is fenced: a cluster whose
 * partition left this replica is changed and reported no more.
 */
public final class ProvisioningLoop implements ClusterWorkQueue.Reconciler, PartitionOwner {

    private static final Logger LOG = Logger.getLogger(ProvisioningLoop.class);

    private static final int MAX_ROUNDS = 20;
    /** Retries of a failed reconcile: 2 s doubling to 5 min, jittered; "needs attention" waits the longest. */
    static final Backoff RETRY = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5));
    /** How soon an asynchronous cloud operation (EIP association) is looked at again. */
    static final Duration POLL = Duration.ofSeconds(1);

    /** What the provisioner knows of one cluster. */
    private static final class Cluster {
        // What the events said; guarded by the cluster's monitor.
        ConfigChanged config;
        final Map<String, GatewayTopology> cloudGateways = new HashMap<>();
        /** the newest cloud state on the topic, written by this replica or an earlier owner */
        CloudState recorded;

        // The reconcile's own memory; only the cluster's one worker touches it.
        Integer bandwidthWeSet;
        /** the goals whose "requested" and whose "ready" or "released" step went out: a revision, to enable or to release */
        Goal requested;
        Goal reconciled;
        long failingRevision = -1;
        int failures;

        synchronized CloudState recorded() {
            return recorded;
        }

        synchronized void record(CloudState state) {
            if (recorded == null || state.updatedAt().isAfter(recorded.updatedAt())) {
                recorded = state;
            }
        }
    }

    /** What one reconcile works towards: a deleted configuration's release has the number of its last revision. */
    private record Goal(long revision, boolean enabled) {
    }

    /** The inputs of one reconcile, taken together so the events that come meanwhile change none of them. */
    private record Inputs(ConfigChanged config, List<GatewayTopology> cloudGateways, CloudState recorded) {
    }

    private final Map<String, CloudProvider> providers;
    private final ProvisioningOutput output;
    private final Clock clock;
    private final RandomGenerator random;
    private final Map<String, Cluster> clusters = new ConcurrentHashMap<>();
    private final ClusterWorkQueue queue;

    public ProvisioningLoop(Collection<CloudProvider> providers, ProvisioningOutput output, Clock clock) {
        this(providers, output, clock, RandomGenerator.getDefault());
    }

    public ProvisioningLoop(Collection<CloudProvider> providers, ProvisioningOutput output, Clock clock, RandomGenerator random) {
        this.providers = new LinkedHashMap<>();
        providers.forEach(p -> this.providers.put(p.name(), p));
        this.output = output;
        this.clock = clock;
        this.random = random;
        this.queue = new ClusterWorkQueue("provisioner", clock, this, random);
    }

    /** The queue the reconciles run in: started by the service, driven by hand in tests. */
    public ClusterWorkQueue queue() {
        return queue;
    }

    public void apply(ConfigChanged config) {
        update(config.clusterId(), c -> {
            if (c.config == null || config.revision() > c.config.revision()) {
                c.config = config;
                return true;
            }
            return false;
        });
    }

    /**
     * The configuration was deleted: release the cluster's cloud side. The release keeps the last
     * revision's number: config-service numbers a configuration created again after it, and a
     * number made up here would be taken for that one (which was then ignored as not newer).
     */
    public void removeConfig(String clusterId) {
        update(clusterId, c -> {
            if (c.config == null) {
                return false;
            }
            NetworkConfig old = c.config.config();
            c.config = new ConfigChanged(clusterId, c.config.revision(), clock.instant(), c.config.actor(),
                    new NetworkConfig(new NetworkConfig.ModeSettings(false), old.tunnel().enabled(false),
                            List.of(), old.nodePools(), old.nodeLabels(), old.cloud()));
            return true;
        });
    }

    public void apply(GatewayTopology topology) {
        if (topology.edge()) {
            return;
        }
        update(topology.clusterId(), c -> {
            GatewayTopology held = c.cloudGateways.get(topology.gatewayName());
            if (held == null || topology.generation() > held.generation()) {
                c.cloudGateways.put(topology.gatewayName(), topology);
                return true;
            }
            return false;
        });
    }

    /** The resources recorded on corvus.cloud-state.v1 (by this or an earlier owner): nothing to do yet. */
    public void apply(CloudState state) {
        clusters.computeIfAbsent(state.clusterId(), id -> new Cluster()).record(state);
    }

    @Override
    public void own(Collection<Integer> partitions) {
        queue.own(partitions);
    }

    @Override
    public void release(Collection<Integer> partitions) {
        queue.release(partitions);
        clusters.keySet().removeIf(id -> partitions.contains(ClusterPartitioner.partitionFor(id, Topic.PARTITIONS)));
    }

    /** Runs, on the calling thread, the reconciles that are due now (tests drive the loop this way). */
    public void reconcileOwned() {
        queue.runDue();
    }

    @Override
    public Optional<Instant> reconcile(String clusterId, ClusterWorkQueue.Fence fence) {
        Cluster c = clusters.get(clusterId);
        if (c == null) {
            return Optional.empty();
        }
        Inputs inputs;
        synchronized (c) {
            inputs = new Inputs(c.config, List.copyOf(c.cloudGateways.values()), c.recorded);
        }
        if (inputs.config() == null) {
            return Optional.empty();
        }
        if (c.failingRevision != inputs.config().revision()) {
            c.failures = 0; // a new revision starts with the shortest wait again
        }
        return new Run(clusterId, c, inputs.config(), fence).reconcile(DesiredCloud.of(inputs.config(), inputs.cloudGateways()));
    }

    /** One reconcile of one cluster, from observing the cloud to recording what it holds. */
    private final class Run {
        private final String clusterId;
        private final Cluster c;
        private final ConfigChanged config;
        private final ClusterWorkQueue.Fence fence;

        Run(String clusterId, Cluster c, ConfigChanged config, ClusterWorkQueue.Fence fence) {
            this.clusterId = clusterId;
            this.c = c;
            this.config = config;
            this.fence = fence;
        }

        Optional<Instant> reconcile(DesiredCloud desired) {
            if (c.bandwidthWeSet == null && c.recorded() != null) {
                c.bandwidthWeSet = c.recorded().eipBandwidthMbps();
            }
            CloudProvider provider = null;
            boolean changedSomething = false;
            try {
                provider = provider(desired, c.recorded());
                Goal goal = new Goal(config.revision(), desired.enabled());
                if (!goal.equals(c.requested)) {
                    progressed(Step.REQUESTED, (desired.enabled() ? "provisioning" : "releasing") + " the cloud side for revision "
                            + config.revision(), ObservedCloud.NOTHING);
                    c.requested = goal;
                }
                ObservedCloud observed = provider.observe(desired, c.recorded());
                for (int round = 0; round < MAX_ROUNDS; round++) {
                    List<CloudAction> plan = ReconcilePlanner.plan(desired, observed, c.bandwidthWeSet);
                    if (plan.isEmpty()) {
                        break;
                    }
                    for (CloudAction action : plan) {
                        fence.check();
                        changedSomething = true;
                        provider.execute(desired, action);
                        if (action instanceof CloudAction.AllocateEip || action instanceof CloudAction.ModifyEipBandwidth) {
                            c.bandwidthWeSet = desired.settings().eipBandwidthMbps();
                        }
                    }
                    observed = provider.observe(desired, c.recorded());
                    record(desired, observed);
                    reportRound(plan, observed);
                }
                if (!ReconcilePlanner.plan(desired, observed, c.bandwidthWeSet).isEmpty()) {
                    throw new CloudException(CloudException.Kind.TRANSIENT, "the cloud did not settle within " + MAX_ROUNDS + " rounds");
                }
                record(desired, observed);
                Optional<String> waiting = ReconcilePlanner.waitingFor(observed);
                if (waiting.isPresent()) {
                    LOG.debugf("cluster %s: waiting: %s", clusterId, waiting.get());
                    return Optional.of(clock.instant().plus(POLL));
                }
                c.failures = 0;
                if (!goal.equals(c.reconciled)) {
                    progressed(desired.enabled() ? Step.READY : Step.RELEASED, desired.enabled()
                            ? "the cloud side is ready" + (observed.eip() == null ? "" : " at " + observed.eip().ipAddress())
                            : "every cloud resource of the cluster is released", observed);
                    c.reconciled = goal;
                }
                return Optional.empty();
            } catch (ClusterWorkQueue.Fenced fenced) {
                throw fenced;
            } catch (CloudException e) {
                return failed(e.kind() == CloudException.Kind.NEEDS_ATTENTION ? Step.FAILED : Step.DEGRADED, e.getMessage(),
                        desired, provider, changedSomething);
            } catch (Exception e) {
                return failed(Step.DEGRADED, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), desired, provider,
                        changedSomething);
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

        /** Reports the failure, records what exists after a failed change, and says when to try again. */
        private Optional<Instant> failed(Step step, String reason, DesiredCloud desired, CloudProvider provider, boolean changedSomething) {
            c.failures++;
            c.failingRevision = config.revision();
            Duration wait = step == Step.FAILED ? RETRY.longest() : RETRY.delay(c.failures, random);
            Instant retryAt = clock.instant().plus(wait);
            try {
                step(step, step == Step.FAILED ? "a step needs attention; retrying at " + retryAt : "a step failed; retrying",
                        reason, retryAt, ObservedCloud.NOTHING);
            } catch (ClusterWorkQueue.Fenced fenced) {
                throw fenced;
            } catch (Exception reporting) {
                LOG.warnf("cluster %s: cannot report the %s state either: %s", clusterId, step.wireName(), reporting.getMessage());
            }
            if (provider != null && changedSomething) {
                try {
                    record(desired, provider.observe(desired, c.recorded()));
                } catch (ClusterWorkQueue.Fenced fenced) {
                    throw fenced;
                } catch (Exception e) {
                    LOG.debugf("cluster %s: cannot observe after the failure (%s); the next try finds the resources by tag or name",
                            clusterId, e.getMessage());
                }
            }
            return Optional.of(retryAt);
        }

        private void reportRound(List<CloudAction> plan, ObservedCloud observed) throws Exception {
            if (plan.stream().anyMatch(a -> a instanceof CloudAction.CreateLoadBalancer) && observed.loadBalancer() != null) {
                progressed(Step.LB_READY, "load balancer " + observed.loadBalancer().id() + " at " + observed.loadBalancer().address(),
                        observed);
            }
            if (plan.stream().anyMatch(a -> a instanceof CloudAction.AllocateEip || a instanceof CloudAction.AssociateEip)
                    && observed.eip() != null) {
                progressed(Step.EIP_ALLOCATED, "EIP " + observed.eip().ipAddress() + (observed.eip().associatedWith() == null
                        ? " allocated" : " " + observed.eip().status() + " with " + observed.eip().associatedWith()), observed);
            }
            if (plan.stream().anyMatch(a -> a instanceof CloudAction.AddAclEntries || a instanceof CloudAction.RemoveAclEntries
                    || a instanceof CloudAction.DeleteAcl)) {
                String whitelist = observed.acl() != null ? "whitelist " + observed.acl().id() + " holds " + observed.acl().entries().size()
                        + " entries" : config.config().disabled() ? "whitelist deleted" : "no whitelist: every source may connect";
                progressed(Step.ACL_APPLIED, whitelist, observed);
            }
            if (plan.stream().anyMatch(a -> a instanceof CloudAction.StartListener)) {
                progressed(Step.LISTENERS_READY, "listeners " + new TreeSet<>(observed.listeners().keySet()) + " running", observed);
            }
            if (plan.stream().anyMatch(a -> a instanceof CloudAction.SetBackends) && observed.loadBalancer() != null) {
                progressed(Step.BACKENDS_UPDATED, "backends " + observed.loadBalancer().backends(), observed);
            }
        }

        /** Publishes the cluster's resources (corvus.cloud-state.v1 and raven-cfg) when they differ from the recorded ones. */
        private void record(DesiredCloud desired, ObservedCloud observed) throws Exception {
            ObservedCloud.Eip eip = observed.eip();
            if (eip == null) {
                c.bandwidthWeSet = null;
            } else if (eip.bandwidthMbps() == desired.settings().eipBandwidthMbps()) {
                c.bandwidthWeSet = eip.bandwidthMbps(); // the configuration and the cloud agree: the bandwidth is ours again
            }
            CloudState state = new CloudState(clusterId, config.revision(), desired.settings().provider(),
                    observed.acl() == null ? "" : observed.acl().id(),
                    observed.acl() == null ? "" : String.join(",", observed.acl().entries()),
                    eip == null ? "" : eip.id(), eip == null ? "" : eip.ipAddress(),
                    desired.tunnel(), desired.proxy(),
                    observed.loadBalancer() == null ? "" : observed.loadBalancer().id(),
                    observed.loadBalancer() == null ? "" : observed.loadBalancer().address(),
                    eip == null ? null : c.bandwidthWeSet, clock.instant());
            CloudState before = c.recorded();
            boolean resourcesChanged = before == null || !before.ravenConfig().equals(state.ravenConfig())
                    || !before.provider().equals(state.provider());
            if (resourcesChanged || !Objects.equals(before.eipBandwidthMbps(), state.eipBandwidthMbps())) {
                fence.whileOwned(() -> output.cloudState(state));
                c.record(state);
            }
            if (resourcesChanged) {
                fence.whileOwned(() -> output.ravenConfig(clusterId, state.ravenConfig()));
            }
        }

        /** A step that went as planned. */
        private void progressed(Step step, String message, ObservedCloud observed) throws Exception {
            step(step, message, null, null, observed);
        }

        private void step(Step step, String message, String reason, Instant retryAt, ObservedCloud observed) throws Exception {
            Map<String, String> resources = new LinkedHashMap<>();
            if (observed.loadBalancer() != null) {
                resources.put(Raven.CFG_LOADBALANCER_ID, observed.loadBalancer().id());
            }
            if (observed.eip() != null) {
                resources.put(Raven.CFG_EIP_ID, observed.eip().id());
                resources.put(Raven.CFG_EIP_IP, observed.eip().ipAddress());
            }
            if (observed.acl() != null) {
                resources.put(Raven.CFG_ACL_ID, observed.acl().id());
            }
            ProvisioningStep event = new ProvisioningStep(clusterId, config.revision(), step, clock.instant(), message, reason,
                    retryAt, resources);
            fence.whileOwned(() -> output.step(event));
            if (reason == null) {
                LOG.infof("cluster %s: %s: %s", clusterId, step.wireName(), message);
            } else {
                LOG.warnf("cluster %s: %s: %s: %s", clusterId, step.wireName(), message, reason);
            }
        }
    }

    private static boolean holdsResources(CloudState state) {
        return !state.loadBalancerId().isEmpty() || !state.eipId().isEmpty() || !state.aclId().isEmpty();
    }

    private void update(String clusterId, Predicate<Cluster> change) {
        Cluster cluster = clusters.computeIfAbsent(clusterId, id -> new Cluster());
        boolean dirty;
        synchronized (cluster) {
            dirty = change.test(cluster);
        }
        if (dirty) {
            queue.markDirty(clusterId);
        }
    }
}
