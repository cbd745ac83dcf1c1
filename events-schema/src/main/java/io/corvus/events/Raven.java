package io.corvus.events;

import java.util.List;

/**
 * The interface Corvus keeps with Raven and ACK Edge (DESIGN.md, "Compatibility"): ports, labels,
 * the ConfigMap and its keys, the cloud resources' names and the CLB's limits. This class is their
 * one home; services, the launcher, the chart's tests and the docs read them from here.
 */
public final class Raven {

    /** Proxy mode, TCP: the cloud gateway's link server, where edge gateways dial in over mutual TLS. */
    public static final int PROXY_LINK_PORT = 10280;
    /** Proxy mode, TCP: the HTTPS front door (cloud clients to kubelet 10250 and the like). */
    public static final int PROXY_HTTPS_PORT = 10281;
    /** Proxy mode, TCP: the HTTP front door (cloud clients to 10255 and the like). */
    public static final int PROXY_HTTP_PORT = 10282;
    /** Every agent's Prometheus metrics. */
    public static final int AGENT_METRICS_PORT = 10283;
    /** Every agent's health. */
    public static final int AGENT_HEALTH_PORT = 10284;
    /** The TCP ports a cluster's CLB forwards in proxy mode. */
    public static final List<Integer> PROXY_PORTS =
            List.of(PROXY_LINK_PORT, PROXY_HTTPS_PORT, PROXY_HTTP_PORT, AGENT_METRICS_PORT, AGENT_HEALTH_PORT);

    /** Tunnel mode, UDP: the encrypted tunnel between gateway nodes of different pools. */
    public static final int TUNNEL_PORT = 4500;
    /**
     * Tunnel mode, TCP, Corvus's own (Raven has none): every other gateway holds a mutual-TLS
     * connection to the hub, whose close tells at once that an agent died.
     */
    public static final int TUNNEL_PRESENCE_PORT = 10285;
    /** Tunnel mode, UDP: VXLAN between a node and its pool's gateway. */
    public static final int VXLAN_PORT = 8472;

    /** A node carrying this label with value {@code true} is a pinned gateway candidate of its pool. */
    public static final String GATEWAY_PIN_LABEL = "raven.openyurt.io/gateway-node";
    /** The default label whose value names a node's pool (a configuration may name another). */
    public static final String DEFAULT_NODE_POOL_KEY = "apps.openyurt.io/nodepool";
    /** The default {@code key=value} that marks an edge node (a configuration may name another). */
    public static final String DEFAULT_EDGE_NODE_LABEL = "openyurt.io/is-edge-worker=true";

    /** Where the provisioner records a cluster's cloud resources, as Raven does. */
    public static final String RAVEN_CFG_NAMESPACE = "kube-system";
    public static final String RAVEN_CFG_NAME = "raven-cfg";

    /** The keys of {@code kube-system/raven-cfg}, spelled as Raven spells them. */
    public static final String CFG_ACL_ID = "acl-id";
    public static final String CFG_ACL_ENTRY = "acl-entry";
    public static final String CFG_EIP_ID = "eip-id";
    public static final String CFG_EIP_IP = "eip-ip";
    public static final String CFG_ENABLE_L3_TUNNEL = "enable-l3-tunnel";
    public static final String CFG_ENABLE_L7_PROXY = "enable-l7-proxy";
    public static final String CFG_LOADBALANCER_ID = "loadbalancer-id";
    public static final String CFG_LOADBALANCER_IP = "loadbalancer-ip";

    /** CLB health checks come from this range: a non-empty whitelist must let it in. */
    public static final String CLB_HEALTH_CHECK_RANGE = "100.64.0.0/10";
    /** A CLB access control list holds at most this many entries. */
    public static final int MAX_ACL_ENTRIES = 300;

    private Raven() {
    }

    /** The name of a cluster's CLB and ACL, and the description of its EIP (EIP names may not hold '/'). */
    public static String resourceName(String clusterId) {
        return "k8s/raven-agent-ds/kube-system/" + clusterId;
    }
}
