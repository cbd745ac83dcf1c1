package io.corvus.provisioner.domain;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.corvus.provisioner.domain.CloudAction.AddAclEntries;
import io.corvus.provisioner.domain.CloudAction.AllocateEip;
import io.corvus.provisioner.domain.CloudAction.AssociateEip;
import io.corvus.provisioner.domain.CloudAction.CreateAcl;
import io.corvus.provisioner.domain.CloudAction.CreateListener;
import io.corvus.provisioner.domain.CloudAction.CreateLoadBalancer;
import io.corvus.provisioner.domain.CloudAction.DeleteAcl;
import io.corvus.provisioner.domain.CloudAction.DeleteListener;
import io.corvus.provisioner.domain.CloudAction.DeleteLoadBalancer;
import io.corvus.provisioner.domain.CloudAction.DisableDeleteProtection;
import io.corvus.provisioner.domain.CloudAction.ModifyEipBandwidth;
import io.corvus.provisioner.domain.CloudAction.ReleaseEip;
import io.corvus.provisioner.domain.CloudAction.RemoveAclEntries;
import io.corvus.provisioner.domain.CloudAction.SetBackends;
import io.corvus.provisioner.domain.CloudAction.SetListenerAcl;
import io.corvus.provisioner.domain.CloudAction.StartListener;
import io.corvus.provisioner.domain.CloudAction.UnassociateEip;

/**
 * Reconcile as a function: the desired cloud side, what the provider observed, and the EIP
 * bandwidth Corvus itself set last go in; the calls that can be made now come out, each one's
 * prerequisites already observed. Stray resources (made twice, see {@link ObservedCloud#strays})
 * are released whatever the cluster wants. The reconciler runs them, observes again and asks again, until
 * nothing is left. An empty plan means the cloud matches the desired state.
 */
public final class ReconcilePlanner {

    /** The CLB API adds or removes at most this many ACL entries per call. */
    public static final int ACL_BATCH = 50;

    private ReconcilePlanner() {
    }

    /**
     * @param bandwidthWeSet the EIP bandwidth Corvus set last, or null when unknown: a bandwidth that
     *                       differs from it was changed by a user and is left alone
     */
    public static List<CloudAction> plan(DesiredCloud desired, ObservedCloud observed, Integer bandwidthWeSet) {
        List<CloudAction> actions = desired.enabled() ? provision(desired, observed, bandwidthWeSet) : release(observed);
        observed.strays().forEach(stray -> actions.addAll(release(stray)));
        return actions;
    }

    private static List<CloudAction> provision(DesiredCloud desired, ObservedCloud observed, Integer bandwidthWeSet) {
        List<CloudAction> actions = new ArrayList<>();
        ObservedCloud.LoadBalancer lb = observed.loadBalancer();
        if (lb == null) {
            actions.add(new CreateLoadBalancer(desired.resourceName()));
        }
        ObservedCloud.Eip eip = observed.eip();
        int bandwidth = desired.settings().eipBandwidthMbps();
        if (eip == null) {
            actions.add(new AllocateEip(desired.resourceName(), bandwidth, desired.settings().eipChargeType()));
        } else if (!eip.inTransition()) {
            if (lb != null && eip.associatedWith() == null) {
                actions.add(new AssociateEip(eip.id(), lb.id()));
            }
            if (bandwidthWeSet != null && bandwidthWeSet != bandwidth && eip.bandwidthMbps() == bandwidthWeSet) {
                actions.add(new ModifyEipBandwidth(eip.id(), bandwidth));
            }
        }
        ObservedCloud.Acl acl = observed.acl();
        boolean wantAcl = !desired.acl().isEmpty();
        if (wantAcl && acl == null) {
            actions.add(new CreateAcl(desired.resourceName()));
        } else if (wantAcl) {
            aclEntries(desired.acl(), acl, actions);
        }
        if (lb == null || (wantAcl && acl == null)) {
            return actions; // listeners wait for the load balancer, and for the ACL they must be bound to
        }
        String aclId = wantAcl ? acl.id() : null;
        for (Map.Entry<Integer, String> wanted : desired.listeners().entrySet()) {
            ObservedCloud.Listener listener = observed.listeners().get(wanted.getKey());
            if (listener != null && !listener.protocol().equals(wanted.getValue())) {
                actions.add(new DeleteListener(lb.id(), listener.port(), listener.protocol())); // created again next round
            } else if (listener == null) {
                actions.add(new CreateListener(lb.id(), wanted.getKey(), wanted.getValue(), aclId));
            } else if (!Objects.equals(listener.aclId(), aclId)) {
                actions.add(new SetListenerAcl(lb.id(), wanted.getKey(), listener.protocol(), aclId));
            } else if (!listener.running()) {
                actions.add(new StartListener(lb.id(), wanted.getKey(), listener.protocol()));
            }
        }
        for (ObservedCloud.Listener listener : observed.listeners().values()) {
            if (!desired.listeners().containsKey(listener.port())) {
                actions.add(new DeleteListener(lb.id(), listener.port(), listener.protocol()));
            }
        }
        if (!wantAcl && acl != null && observed.listeners().values().stream().noneMatch(l -> acl.id().equals(l.aclId()))) {
            actions.add(new DeleteAcl(acl.id()));
        }
        List<String> backends = new ArrayList<>(desired.proxyBackends());
        if (desired.tunnelBackend() != null && !backends.contains(desired.tunnelBackend())) {
            backends.add(desired.tunnelBackend());
        }
        if (!Set.copyOf(lb.backends()).equals(Set.copyOf(backends))) {
            actions.add(new SetBackends(lb.id(), backends));
        }
        return actions;
    }

    private static void aclEntries(List<String> wanted, ObservedCloud.Acl acl, List<CloudAction> actions) {
        Set<String> toAdd = new LinkedHashSet<>(wanted);
        acl.entries().forEach(toAdd::remove);
        Set<String> toRemove = new LinkedHashSet<>(acl.entries());
        wanted.forEach(toRemove::remove);
        batches(List.copyOf(toRemove)).forEach(batch -> actions.add(new RemoveAclEntries(acl.id(), batch)));
        batches(List.copyOf(toAdd)).forEach(batch -> actions.add(new AddAclEntries(acl.id(), batch)));
    }

    private static List<CloudAction> release(ObservedCloud observed) {
        List<CloudAction> actions = new ArrayList<>();
        ObservedCloud.LoadBalancer lb = observed.loadBalancer();
        if (lb != null) {
            observed.listeners().values().forEach(l -> actions.add(new DeleteListener(lb.id(), l.port(), l.protocol())));
        }
        ObservedCloud.Eip eip = observed.eip();
        boolean eipBound = eip != null && (eip.associatedWith() != null || eip.inTransition());
        if (eip != null && !eip.inTransition()) {
            actions.add(eip.associatedWith() != null ? new UnassociateEip(eip.id(), eip.associatedWith()) : new ReleaseEip(eip.id()));
        }
        if (observed.acl() != null && observed.listeners().isEmpty()) {
            actions.add(new DeleteAcl(observed.acl().id()));
        }
        if (lb != null && observed.listeners().isEmpty() && !eipBound) {
            actions.add(lb.deleteProtection() ? new DisableDeleteProtection(lb.id()) : new DeleteLoadBalancer(lb.id()));
        }
        return actions;
    }

    /**
     * What the cloud is still doing on its own when the plan is empty: an EIP association,
     * disassociation or release runs asynchronously and must be observed again until it finished.
     */
    public static Optional<String> waitingFor(ObservedCloud observed) {
        ObservedCloud.Eip eip = observed.eip();
        if (eip != null && eip.inTransition()) {
            return Optional.of("EIP " + eip.id() + " is " + eip.status());
        }
        return observed.strays().stream().map(ReconcilePlanner::waitingFor).flatMap(Optional::stream).findFirst();
    }

    private static List<List<String>> batches(List<String> entries) {
        List<List<String>> batches = new ArrayList<>();
        for (int from = 0; from < entries.size(); from += ACL_BATCH) {
            batches.add(entries.subList(from, Math.min(entries.size(), from + ACL_BATCH)));
        }
        return batches;
    }
}
