package io.corvus.events.view;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.GatewayTopology;

/**
 * Every cluster as the topics describe it at {@code at}: what {@code corvus show} prints and the
 * topology page draws. Ages are in milliseconds, measured from {@code at}.
 */
public record OverviewSnapshot(Instant at, List<Cluster> clusters) {

    public OverviewSnapshot {
        clusters = List.copyOf(clusters);
    }

    public Optional<Cluster> cluster(String clusterId) {
        return clusters.stream().filter(c -> c.clusterId().equals(clusterId)).findFirst();
    }

    /**
     * @param config      the current configuration, or null when the cluster has none (anymore)
     * @param ravenConfig the values of {@code kube-system/raven-cfg}, empty before provisioning
     * @param deadLetters how many of its events were set aside on {@code corvus.dlq.v1}
     */
    public record Cluster(String clusterId, Config config, List<Gateway> gateways, List<Node> nodes, List<Step> provisioning,
            Map<String, String> ravenConfig, Instant cloudUpdatedAt, int deadLetters) {

        public Cluster {
            gateways = List.copyOf(gateways);
            nodes = List.copyOf(nodes);
            provisioning = List.copyOf(provisioning);
            ravenConfig = Map.copyOf(ravenConfig);
        }

        /** The last provisioning step, if any. */
        public Optional<Step> lastStep() {
            return provisioning.isEmpty() ? Optional.empty() : Optional.of(provisioning.getLast());
        }
    }

    public record Config(long revision, Instant changedAt, String actor, boolean proxyEnabled, boolean tunnelEnabled,
            List<String> accessControlList, String provider) {
    }

    /**
     * @param endpointsSince when the active endpoints became what they are
     * @param members        the pool's nodes
     * @param cloudEntry     where edge gateways dial in ({@code address:port}), once provisioned
     * @param history        the endpoint changes with their reasons, newest first
     */
    public record Gateway(String gatewayName, String nodePool, boolean edge, boolean proxyEnabled, boolean tunnelEnabled, long generation,
            Instant publishedAt, List<Endpoint> endpoints, Instant endpointsSince, long endpointsAgeMillis, List<String> members,
            String cloudEntry, List<Change> history) {

        public Gateway {
            endpoints = List.copyOf(endpoints);
            members = List.copyOf(members);
            history = List.copyOf(history);
        }

        /** The newest endpoint change, if any. */
        public Optional<Change> lastChange() {
            return history.isEmpty() ? Optional.empty() : Optional.of(history.getFirst());
        }
    }

    public record Endpoint(String nodeName, GatewayTopology.EndpointType type, String privateIp, String publicIp, Integer port) {
    }

    /** One endpoint that came ({@code added}) or went in generation {@code generation}, and why. */
    public record Change(Instant at, long generation, String nodeName, GatewayTopology.EndpointType type, boolean added,
            GatewayTopology.Cause cause, String detail) {
    }

    /**
     * A node as Kubernetes and its agent report it; either may be missing (null fields).
     *
     * @param roles               what its agent does, in the enum's order
     * @param ready               Kubernetes' Ready condition, null when the node was not observed
     * @param tunnelState         {@code off}, {@code ready} or {@code not-ready}, null outside tunnel mode
     * @param certificateNotAfter when its agent's certificate expires, as its heartbeat says
     */
    public record Node(String nodeName, String nodePool, boolean edge, Boolean ready, boolean pinned, List<String> internalIps,
            Instant lastHeartbeat, Long heartbeatAgeMillis, List<AgentHeartbeat.Role> roles, List<String> linkPeers, int openStreams,
            boolean stopping, String tunnelState, String tunnelProblem, Integer tunnelMtu, List<TunnelPeer> tunnelPeers,
            Instant certificateNotAfter) {

        public Node {
            internalIps = List.copyOf(internalIps);
            roles = List.copyOf(roles);
            linkPeers = List.copyOf(linkPeers);
            tunnelPeers = List.copyOf(tunnelPeers);
        }
    }

    public record TunnelPeer(String nodeName, String endpoint, Instant latestHandshake, Long handshakeAgeMillis, Boolean probeOk,
            Double probeRttMillis) {
    }

    public record Step(Instant at, long configRevision, String step, String message, String reason, Instant nextRetryAt) {
    }
}
