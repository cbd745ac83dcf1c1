package io.corvus.events.payload;

import java.time.Instant;
import java.util.List;

import io.corvus.events.EventKey;

/**
 * One gateway, that is one node pool, as agents must follow it ({@code corvus.topology.v1}, key
 * {@code clusterId/gatewayName}). The generation grows with every change; agents apply only a
 * newer one.
 *
 * @param endpoints     the active endpoints; empty when the pool has no candidate (never stale)
 * @param members       every node of the pool with its subnets
 * @param cloudExposure where edge gateways dial in, once the cloud side is provisioned
 * @param accessControlList the sources the cloud side's link server accepts, as CIDRs (the
 *                      configuration's whitelist, enforced by the agent as well as by the CLB);
 *                      empty accepts every source
 * @param tunnelNetwork how the tunnel overlay is laid out while tunnel mode is on; null otherwise
 *                      (and in events written before tunnel mode)
 * @param changes       why endpoints came or went since the previous generation, one entry per
 *                      endpoint; empty when none did (and in events written before reasons)
 */
public record GatewayTopology(
        String clusterId,
        String gatewayName,
        long generation,
        String nodePool,
        boolean edge,
        boolean proxyEnabled,
        boolean tunnelEnabled,
        List<Endpoint> endpoints,
        List<Member> members,
        CloudExposure cloudExposure,
        List<String> accessControlList,
        Instant publishedAt,
        TunnelNetwork tunnelNetwork,
        List<EndpointChange> changes) implements CorvusEvent {

    public enum EndpointType { PROXY, TUNNEL }

    /** The signal that made the elector add or remove an endpoint. */
    public enum Cause {
        /** the mode was switched on or off, or the pool's replicas changed */
        CONFIGURATION,
        /** the node left the pool: deleted, or its labels moved it */
        NODE_GONE,
        /** Kubernetes reports the node NotReady */
        NODE_NOT_READY,
        /** its agent said, in its last heartbeat, that it was shutting down */
        AGENT_STOPPING,
        /** the agent at the other end of its proxy link or tunnel presence connection saw it close, and it sent nothing since */
        LINK_LOST,
        /** its heartbeats stopped for longer than the window, no peer reports a working link to it, and a candidate could take its place */
        HEARTBEAT_STALE,
        /** its agent reports no WireGuard key, which a tunnel endpoint needs */
        NO_TUNNEL_KEY,
        /** a node pinned with {@code raven.openyurt.io/gateway-node=true} takes precedence */
        PINNED,
        /** it takes the place of an endpoint removed in the same change */
        REPLACEMENT,
        /** a slot was free and it is the best candidate (the pool's first election, or a candidate came back) */
        CANDIDATE_AVAILABLE
    }

    /**
     * Why one endpoint came or went.
     *
     * @param added          true when the node became an endpoint, false when it stopped being one
     * @param detail         the same in words, with the ages and nodes involved
     * @param signalAgeMillis how old the deciding signal was (the heartbeat's age, the link loss's), when it has an age
     */
    public record EndpointChange(String nodeName, EndpointType type, boolean added, Cause cause, String detail, Long signalAgeMillis) {
        public EndpointChange {
            Checks.text(nodeName, "changes[].nodeName");
            Checks.present(type, "changes[].type");
            Checks.present(cause, "changes[].cause");
            Checks.text(detail, "changes[].detail");
        }
    }

    /**
     * @param publicIp        the endpoint's public address when known
     * @param port            the port it serves on when it is not the mode's default
     * @param tunnelPublicKey the endpoint's tunnel-mode public key (base64), for tunnel endpoints
     */
    public record Endpoint(String nodeName, EndpointType type, String privateIp, String publicIp, Integer port,
            String tunnelPublicKey) {
        public Endpoint {
            Checks.text(nodeName, "endpoints[].nodeName");
            Checks.present(type, "endpoints[].type");
        }

        /** A proxy endpoint at its private address, on the default port, with no public address known. */
        public static Endpoint proxy(String nodeName, String privateIp) {
            return new Endpoint(nodeName, EndpointType.PROXY, privateIp, null, null, null);
        }
    }

    public record Member(String nodeName, String privateIp, List<String> podCidrs) {
        public Member {
            Checks.text(nodeName, "members[].nodeName");
            podCidrs = Checks.list(podCidrs);
        }
    }

    /**
     * @param vni         the VXLAN id between the pool's nodes and its gateway
     * @param flatNetwork gateways reach each other by private address (no NAT, no public entry needed)
     */
    public record TunnelNetwork(int vni, boolean flatNetwork) {
    }

    /** The public entry of the cloud side (EIP, or the CLB address) and the tunnel server port. */
    public record CloudExposure(String address, int port) {
        public CloudExposure {
            Checks.text(address, "cloudExposure.address");
        }
    }

    public GatewayTopology {
        Checks.clusterId(clusterId);
        EventKey.of(clusterId, Checks.text(gatewayName, "gatewayName"));
        Checks.atLeast(generation, 1, "generation");
        endpoints = Checks.list(endpoints);
        members = Checks.list(members);
        accessControlList = Checks.list(accessControlList);
        Checks.present(publishedAt, "publishedAt");
        changes = Checks.list(changes);
    }

    /** A topology whose endpoints did not change, or whose changes need no explanation (tests, tools). */
    public GatewayTopology(String clusterId, String gatewayName, long generation, String nodePool, boolean edge, boolean proxyEnabled,
            boolean tunnelEnabled, List<Endpoint> endpoints, List<Member> members, CloudExposure cloudExposure,
            List<String> accessControlList, Instant publishedAt, TunnelNetwork tunnelNetwork) {
        this(clusterId, gatewayName, generation, nodePool, edge, proxyEnabled, tunnelEnabled, endpoints, members, cloudExposure,
                accessControlList, publishedAt, tunnelNetwork, List.of());
    }

    @Override
    public String recordKey() {
        return EventKey.of(clusterId, gatewayName).wireForm();
    }
}
