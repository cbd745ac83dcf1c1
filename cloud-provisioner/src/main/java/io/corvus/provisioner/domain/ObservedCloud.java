package io.corvus.provisioner.domain;

import java.util.List;
import java.util.Map;

/**
 * The cloud resources of one cluster as the provider found them. An absent resource is null.
 *
 * @param listeners by port
 */
public record ObservedCloud(LoadBalancer loadBalancer, Eip eip, Acl acl, Map<Integer, Listener> listeners) {

    public static final ObservedCloud NOTHING = new ObservedCloud(null, null, null, Map.of());

    public ObservedCloud {
        listeners = Map.copyOf(listeners);
    }

    /** @param backends the private addresses of the backend servers */
    public record LoadBalancer(String id, String address, boolean deleteProtection, List<String> backends) {
        public LoadBalancer {
            backends = List.copyOf(backends);
        }
    }

    /** @param associatedWith the load balancer id it is bound to, or null; {@code status} as the cloud says it ("Available", "InUse", "Associating") */
    public record Eip(String id, String ipAddress, int bandwidthMbps, String status, String associatedWith) {
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
