package io.corvus.provisioner.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.corvus.events.Raven;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;

/**
 * What the cloud side of one cluster should be, derived from its configuration and the cloud
 * gateways' active endpoints. Nothing at all when both modes are off.
 *
 * @param proxyBackends private addresses of the cloud gateways' active proxy endpoints
 * @param tunnelBackend private address of the cloud tunnel endpoint, or null
 */
public record DesiredCloud(
        String clusterId,
        long configRevision,
        boolean proxy,
        boolean tunnel,
        List<String> acl,
        NetworkConfig.CloudSettings settings,
        List<String> proxyBackends,
        String tunnelBackend) {

    public DesiredCloud {
        acl = List.copyOf(acl);
        proxyBackends = List.copyOf(proxyBackends);
    }

    public static DesiredCloud of(ConfigChanged config, List<GatewayTopology> gateways) {
        NetworkConfig c = config.config();
        List<String> proxyBackends = new ArrayList<>();
        String tunnelBackend = null;
        for (GatewayTopology gateway : gateways) {
            if (gateway.edge()) {
                continue;
            }
            for (GatewayTopology.Endpoint endpoint : gateway.endpoints()) {
                if (endpoint.privateIp() == null) {
                    continue;
                }
                if (endpoint.type() == GatewayTopology.EndpointType.PROXY) {
                    proxyBackends.add(endpoint.privateIp());
                } else if (tunnelBackend == null) {
                    tunnelBackend = endpoint.privateIp();
                }
            }
        }
        proxyBackends.sort(String::compareTo);
        return new DesiredCloud(config.clusterId(), config.revision(), c.proxy().enabled(), c.tunnel().enabled(),
                c.accessControlList(), c.cloud(), proxyBackends, tunnelBackend);
    }

    /** True when any mode is on: the cluster needs a public entry. */
    public boolean enabled() {
        return proxy || tunnel;
    }

    /** The name Raven gives the cluster's CLB and ACL (and the EIP's description). */
    public String resourceName() {
        return Raven.resourceName(clusterId);
    }

    /** Every listener this cluster should have: port to protocol. */
    public Map<Integer, String> listeners() {
        Map<Integer, String> listeners = new TreeMap<>();
        if (proxy) {
            Raven.PROXY_PORTS.forEach(port -> listeners.put(port, "tcp"));
        }
        if (tunnel) {
            listeners.put(Raven.TUNNEL_PORT, "udp");
            listeners.put(Raven.TUNNEL_PRESENCE_PORT, "tcp");
        }
        return listeners;
    }
}
