package io.corvus.provisioner.domain;

import java.util.List;
import java.util.Map;

/**
 * The cloud resources of one cluster as the provider found them. An absent resource is null.
 *
 * @param listeners by port
 * @param strays    resources that are the cluster's too (its tag or name) but not the ones it uses:
 *                  what a create made when its reply came too late, e.g. on a replica that had lost the
 *                  cluster meanwhile. Each is released.
 */
public record ObservedCloud(LoadBalancer loadBalancer, Eip eip, Acl acl, Map<Integer, Listener> listeners, List<ObservedCloud> strays) {

    public static final ObservedCloud NOTHING = new ObservedCloud(null, null, null, Map.of());

    public ObservedCloud {
        listeners = Map.copyOf(listeners);
        strays = List.copyOf(strays);
    }

    public ObservedCloud(LoadBalancer loadBalancer, Eip eip, Acl acl, Map<Integer, Listener> listeners) {
        this(loadBalancer, eip, acl, listeners, List.of());
    }

    /** @param backends the private addresses of the backend servers */
    public record LoadBalancer(String id, String address, boolean deleteProtection, List<String> backends) {
        public LoadBalancer {
            backends = List.copyOf(backends);
        }
    }

    /**
     * @param status         as the cloud says it: "Available", "InUse", or a transition ("Associating",
     *                       "Unassociating", "Releasing") that must finish before the EIP can be changed
     * @param associatedWith the load balancer id it is bound to, or null
     */
    public record Eip(String id, String ipAddress, int bandwidthMbps, String status, String associatedWith) {

        public static final String AVAILABLE = "Available";
        public static final String IN_USE = "InUse";

        /** True while an asynchronous association, disassociation or release is still running. */
        public boolean inTransition() {
            return !AVAILABLE.equals(status) && !IN_USE.equals(status);
        }
    }

    public record Acl(String id, List<String> entries) {
        public Acl {
            entries = List.copyOf(entries);
        }
    }

    /** @param aclId the ACL bound as a whitelist, or null */
    public record Listener(int port, String protocol, boolean running, String aclId) {
    }
}
