package io.corvus.provisioner.adapter.local;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.corvus.events.payload.CloudState;
import io.corvus.provisioner.domain.CloudAction;
import io.corvus.provisioner.domain.ObservedCloud;

/**
 * The embedded cloud of the local run: no account, no network; EIPs get addresses from
 * 198.51.100.0/24 and load balancers from 192.0.2.0/24 (documentation ranges). It refuses what a
 * real cloud refuses (deleting a protected load balancer or a bound ACL, releasing an associated
 * EIP), and, like a real cloud, makes a second resource when asked to create one the cluster has
 * (a late create): the cluster keeps using the first, and the second is a stray to release.
 */
public final class LocalCloud {

    /** One cluster's resources, mutable, guarded by the cloud. */
    private static final class Resources {
        ObservedCloud.LoadBalancer lb;
        ObservedCloud.Eip eip;
        ObservedCloud.Acl acl;
        final Map<Integer, ObservedCloud.Listener> listeners = new TreeMap<>();
        /** Made while the cluster had one already, by id. */
        final Map<String, ObservedCloud.LoadBalancer> strayLbs = new LinkedHashMap<>();
        final Map<String, ObservedCloud.Eip> strayEips = new LinkedHashMap<>();
        final Map<String, ObservedCloud.Acl> strayAcls = new LinkedHashMap<>();

        ObservedCloud observed() {
            List<ObservedCloud> strays = new ArrayList<>();
            strayLbs.values().forEach(stray -> strays.add(new ObservedCloud(stray, null, null, Map.of())));
            strayEips.values().forEach(stray -> strays.add(new ObservedCloud(null, stray, null, Map.of())));
            strayAcls.values().forEach(stray -> strays.add(new ObservedCloud(null, null, stray, Map.of())));
            return new ObservedCloud(lb, eip, acl, listeners, strays);
        }
    }

    private final Map<String, Resources> clusters = new HashMap<>();
    private int nextAddress = 10;
    private int nextId = 1;

    public synchronized ObservedCloud observe(String clusterId) {
        Resources r = clusters.get(clusterId);
        return r == null ? ObservedCloud.NOTHING : r.observed();
    }

    /**
     * Brings back, after a restart (or on the replica that takes a cluster over), the resources
     * recorded on corvus.cloud-state.v1, when this cloud does not hold the cluster yet. Listeners and backends are not recorded there: the next
     * reconcile creates them again, as it would repair them in a real cloud.
     */
    public synchronized void restore(CloudState recorded) {
        if (clusters.containsKey(recorded.clusterId())) {
            return; // this process has held the cluster since: what it holds (maybe nothing) is newer
        }
        Resources r = new Resources();
        clusters.put(recorded.clusterId(), r);
        boolean hasLb = !recorded.loadBalancerId().isEmpty();
        if (hasLb) {
            r.lb = new ObservedCloud.LoadBalancer(recorded.loadBalancerId(), recorded.loadBalancerIp(), true, List.of());
        }
        if (!recorded.eipId().isEmpty()) {
            int bandwidth = recorded.eipBandwidthMbps() == null ? 0 : recorded.eipBandwidthMbps();
            r.eip = new ObservedCloud.Eip(recorded.eipId(), recorded.eipIp(), bandwidth,
                    hasLb ? ObservedCloud.Eip.IN_USE : ObservedCloud.Eip.AVAILABLE, hasLb ? recorded.loadBalancerId() : null);
        }
        if (!recorded.aclId().isEmpty()) {
            r.acl = new ObservedCloud.Acl(recorded.aclId(),
                    recorded.aclEntry().isEmpty() ? List.of() : List.of(recorded.aclEntry().split(",")));
        }
    }

    public synchronized void execute(String clusterId, CloudAction action) {
        Resources r = clusters.computeIfAbsent(clusterId, id -> new Resources());
        if (onStray(r, action)) {
            return;
        }
        switch (action) {
            case CloudAction.CreateLoadBalancer create -> {
                ObservedCloud.LoadBalancer made = new ObservedCloud.LoadBalancer(id("lb"), "192.0.2." + address(), true, List.of());
                if (r.lb == null) {
                    r.lb = made;
                } else {
                    r.strayLbs.put(made.id(), made);
                }
            }
            case CloudAction.AllocateEip allocate -> {
                ObservedCloud.Eip made = new ObservedCloud.Eip(id("eip"), "198.51.100." + address(), allocate.bandwidthMbps(),
                        ObservedCloud.Eip.AVAILABLE, null);
                if (r.eip == null) {
                    r.eip = made;
                } else {
                    r.strayEips.put(made.id(), made);
                }
            }
            case CloudAction.AssociateEip associate ->
                    r.eip = new ObservedCloud.Eip(r.eip.id(), r.eip.ipAddress(), r.eip.bandwidthMbps(), ObservedCloud.Eip.IN_USE, associate.loadBalancerId());
            case CloudAction.ModifyEipBandwidth modify ->
                    r.eip = new ObservedCloud.Eip(r.eip.id(), r.eip.ipAddress(), modify.bandwidthMbps(), r.eip.status(), r.eip.associatedWith());
            case CloudAction.CreateAcl create -> {
                ObservedCloud.Acl made = new ObservedCloud.Acl(id("acl"), List.of());
                if (r.acl == null) {
                    r.acl = made;
                } else {
                    r.strayAcls.put(made.id(), made);
                }
            }
            case CloudAction.AddAclEntries add -> {
                LinkedHashSet<String> entries = new LinkedHashSet<>(r.acl.entries());
                entries.addAll(add.entries());
                r.acl = new ObservedCloud.Acl(r.acl.id(), new ArrayList<>(entries));
            }
            case CloudAction.RemoveAclEntries remove -> {
                List<String> entries = new ArrayList<>(r.acl.entries());
                entries.removeAll(remove.entries());
                r.acl = new ObservedCloud.Acl(r.acl.id(), entries);
            }
            case CloudAction.CreateListener create ->
                    r.listeners.put(create.port(), new ObservedCloud.Listener(create.port(), create.protocol(), false, create.aclId()));
            case CloudAction.SetListenerAcl set -> {
                ObservedCloud.Listener l = r.listeners.get(set.port());
                r.listeners.put(set.port(), new ObservedCloud.Listener(l.port(), l.protocol(), l.running(), set.aclId()));
            }
            case CloudAction.StartListener start -> {
                ObservedCloud.Listener l = r.listeners.get(start.port());
                r.listeners.put(start.port(), new ObservedCloud.Listener(l.port(), l.protocol(), true, l.aclId()));
            }
            case CloudAction.DeleteListener delete -> r.listeners.remove(delete.port());
            case CloudAction.SetBackends set ->
                    r.lb = new ObservedCloud.LoadBalancer(r.lb.id(), r.lb.address(), r.lb.deleteProtection(), set.backends());
            case CloudAction.UnassociateEip unassociate ->
                    r.eip = new ObservedCloud.Eip(r.eip.id(), r.eip.ipAddress(), r.eip.bandwidthMbps(), ObservedCloud.Eip.AVAILABLE, null);
            case CloudAction.ReleaseEip release -> {
                refuseIf(r.eip.associatedWith() != null, "IncorrectEipStatus", "the EIP is still associated");
                r.eip = null;
            }
            case CloudAction.DeleteAcl delete -> {
                refuseIf(r.listeners.values().stream().anyMatch(l -> delete.aclId().equals(l.aclId())), "AclInUsed",
                        "the ACL is still bound to a listener");
                r.acl = null;
            }
            case CloudAction.DisableDeleteProtection disable ->
                    r.lb = new ObservedCloud.LoadBalancer(r.lb.id(), r.lb.address(), false, r.lb.backends());
            case CloudAction.DeleteLoadBalancer delete -> {
                refuseIf(r.lb.deleteProtection(), "OperationDenied.DeleteProtection", "delete protection is on");
                r.lb = null;
                r.listeners.clear();
            }
        }
    }

    /** Releases a stray; false when the action is not about one. */
    private static boolean onStray(Resources r, CloudAction action) {
        switch (action) {
            case CloudAction.DisableDeleteProtection disable when r.strayLbs.containsKey(disable.loadBalancerId()) -> {
                ObservedCloud.LoadBalancer lb = r.strayLbs.get(disable.loadBalancerId());
                r.strayLbs.put(lb.id(), new ObservedCloud.LoadBalancer(lb.id(), lb.address(), false, lb.backends()));
            }
            case CloudAction.DeleteLoadBalancer delete when r.strayLbs.containsKey(delete.loadBalancerId()) -> {
                refuseIf(r.strayLbs.get(delete.loadBalancerId()).deleteProtection(), "OperationDenied.DeleteProtection",
                        "delete protection is on");
                r.strayLbs.remove(delete.loadBalancerId());
            }
            case CloudAction.ReleaseEip release when r.strayEips.containsKey(release.eipId()) -> r.strayEips.remove(release.eipId());
            case CloudAction.DeleteAcl delete when r.strayAcls.containsKey(delete.aclId()) -> r.strayAcls.remove(delete.aclId());
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void refuseIf(boolean refused, String code, String message) {
        if (refused) {
            throw new IllegalStateException(code + ": " + message);
        }
    }

    private String id(String kind) {
        return kind + "-local" + String.format("%06d", nextId++);
    }

    private int address() {
        int address = nextAddress;
        nextAddress = nextAddress >= 250 ? 10 : nextAddress + 1;
        return address;
    }
}
