package io.corvus.agent.proxy;

import java.util.Set;

import io.corvus.agent.proxy.SourceWhitelist;
import io.corvus.agent.topology.ClusterView;

/**
 * What the cloud side of the proxy enforces right now, from the newest topology: which sources
 * may open a link, which edge nodes' certificates are accepted (the active edge proxy
 * endpoints), and the view front doors route by.
 */
public record CloudPolicy(SourceWhitelist whitelist, Set<String> edgeClients, ClusterView view) {

    public static CloudPolicy of(ClusterView view) {
        return new CloudPolicy(SourceWhitelist.of(view.accessControlList()), Set.copyOf(view.edgeProxyEndpoints()), view);
    }
}
