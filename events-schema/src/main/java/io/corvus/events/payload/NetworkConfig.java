package io.corvus.events.payload;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.corvus.events.Raven;

/**
 * The desired network configuration of one edge cluster, as config-service accepted it.
 *
 * @param proxy             proxy mode (the seed's enable-l7-proxy)
 * @param tunnel            tunnel mode (the seed's enable-l3-tunnel) and how its overlay is laid out
 * @param accessControlList CIDR whitelist of edge gateway sources; empty allows every source
 * @param nodePools         per node pool overrides, by pool name
 * @param nodeLabels        the label keys that tell pools and edge nodes apart
 * @param cloud             where the cloud side is provisioned; never credentials
 */
public record NetworkConfig(
        ModeSettings proxy,
        TunnelSettings tunnel,
        List<String> accessControlList,
        Map<String, NodePoolSettings> nodePools,
        NodeLabels nodeLabels,
        CloudSettings cloud) {

    public NetworkConfig {
        Checks.present(proxy, "proxy");
        Checks.present(tunnel, "tunnel");
        accessControlList = Checks.list(accessControlList);
        nodePools = Checks.map(nodePools);
        Checks.present(nodeLabels, "nodeLabels");
        Checks.present(cloud, "cloud");
    }

    /** True when neither mode is on: downstream, everything is released. */
    public boolean disabled() {
        return !proxy.enabled() && !tunnel.enabled();
    }

    public record ModeSettings(boolean enabled) {
    }

    /**
     * Tunnel mode.
     *
     * @param vni         the VXLAN network identifier between a node and its pool's gateway; another
     *                    than the CNI's (flannel's VXLAN uses 1 on the same port 8472)
     * @param flatNetwork true when every node reaches every other by its private address (one VPC, the
     *                    local run, the tests): gateways then dial each other's private addresses instead
     *                    of the cloud side's public entry and the edge gateways' observed addresses
     */
    public record TunnelSettings(boolean enabled, int vni, boolean flatNetwork) {

        /** Corvus's VXLAN id unless a configuration names another. */
        public static final int DEFAULT_VNI = 1028;
        public static final int MAX_VNI = 16_777_215;
        public static final TunnelSettings OFF = new TunnelSettings(false, DEFAULT_VNI, false);

        public TunnelSettings {
            if (vni < 1 || vni > MAX_VNI) {
                throw new IllegalArgumentException("tunnel.vni must be 1 to " + MAX_VNI + ", got " + vni);
            }
        }

        /** Reads events written before vni and flatNetwork existed with their defaults. */
        @JsonCreator
        static TunnelSettings read(@JsonProperty("enabled") boolean enabled, @JsonProperty("vni") Integer vni,
                @JsonProperty("flatNetwork") Boolean flatNetwork) {
            return new TunnelSettings(enabled, vni == null ? DEFAULT_VNI : vni, flatNetwork != null && flatNetwork);
        }

        /** The same settings, switched on or off. */
        public TunnelSettings enabled(boolean on) {
            return new TunnelSettings(on, vni, flatNetwork);
        }
    }

    /**
     * @param proxyReplicas  active proxy endpoints of the pool (1 or more, for active/active)
     * @param tunnelReplicas active tunnel endpoints of the pool (0 or 1)
     */
    public record NodePoolSettings(int proxyReplicas, int tunnelReplicas) {
    }

    /**
     * @param nodePoolKey   the label whose value names a node's pool
     * @param edgeNodeLabel {@code key=value} that marks an edge node; other nodes are cloud nodes
     */
    public record NodeLabels(String nodePoolKey, String edgeNodeLabel) {

        /** Raven's own keys, for a cluster whose configuration names none. */
        public static final NodeLabels DEFAULTS = new NodeLabels(Raven.DEFAULT_NODE_POOL_KEY, Raven.DEFAULT_EDGE_NODE_LABEL);

        public NodeLabels {
            Checks.text(nodePoolKey, "nodeLabels.nodePoolKey");
            Checks.text(edgeNodeLabel, "nodeLabels.edgeNodeLabel");
        }

        /** The pool a node with these labels belongs to, or null when it carries no pool label. */
        public String poolOf(Map<String, String> labels) {
            return labels.get(nodePoolKey);
        }

        /** Whether a node with these labels is an edge node. */
        public boolean isEdge(Map<String, String> labels) {
            int equals = edgeNodeLabel.indexOf('=');
            return equals > 0 && edgeNodeLabel.substring(equals + 1).equals(labels.get(edgeNodeLabel.substring(0, equals)));
        }

        /** Whether a node with these labels is a pinned gateway candidate ({@code raven.openyurt.io/gateway-node=true}). */
        public static boolean isPinned(Map<String, String> labels) {
            return "true".equals(labels.get(Raven.GATEWAY_PIN_LABEL));
        }
    }

    /**
     * @param provider         {@code aliyun} or {@code local}
     * @param eipBandwidthMbps bandwidth of the EIP in Mbit/s
     * @param eipChargeType    e.g. {@code PayByTraffic} or {@code PayByBandwidth}
     */
    public record CloudSettings(
            String provider,
            String regionId,
            String vpcId,
            String vSwitchId,
            int eipBandwidthMbps,
            String eipChargeType) {
        public CloudSettings {
            Checks.text(provider, "cloud.provider");
        }

        /** The embedded cloud of the local run, with an EIP of this bandwidth billed by traffic. */
        public static CloudSettings local(int eipBandwidthMbps) {
            return new CloudSettings("local", null, null, null, eipBandwidthMbps, "PayByTraffic");
        }
    }
}
