package io.corvus.launcher;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

import io.corvus.events.codec.EventType;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.CorvusEvent;
import io.corvus.events.payload.DeadLetter;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NodeObserved;
import io.corvus.events.payload.ProvisioningStep;

/** One event as one line a person can read: time, topic, key, type, and what it says. */
public final class EventLine {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private EventLine() {
    }

    public static String of(Instant at, String topic, String key, CorvusEvent event) {
        return line(at, topic, key, type(event), summary(event));
    }

    /** The line of a record as the watcher read it: an event, a tombstone, or one it could not read. */
    static String of(EventWatcher.Seen seen) {
        return seen.event() != null ? of(seen.at(), seen.topic(), seen.key(), seen.event())
                : line(seen.at(), seen.topic(), seen.key(), seen.type(), seen.problem() == null ? "deleted" : seen.problem());
    }

    /** The short type of an event: {@code topology.changed} for {@code io.corvus.topology.changed.v1}. */
    public static String type(CorvusEvent event) {
        return shortType(EventType.of(event));
    }

    static String shortType(EventType type) {
        return type.cloudEventType().replaceFirst("^io\\.corvus\\.", "").replaceFirst("\\.v1$", "");
    }

    private static String line(Instant at, String topic, String key, String type, String summary) {
        return String.format("%s  %-24s %-28s %-22s %s", TIME.format(at), topic, key, type, summary);
    }

    static String summary(CorvusEvent event) {
        return switch (event) {
            case ConfigChanged c -> "revision " + c.revision() + " by " + c.actor()
                    + ": proxy " + onOff(c.config().proxy().enabled())
                    + ", tunnel " + onOff(c.config().tunnel().enabled())
                    + (c.config().tunnel().enabled() ? " (VXLAN id " + c.config().tunnel().vni() + (c.config().tunnel().flatNetwork()
                            ? ", flat network)" : ")") : "")
                    + ", ACL " + (c.config().accessControlList().isEmpty() ? "allows all" : String.join(",", c.config().accessControlList()))
                    + ", cloud " + c.config().cloud().provider();
            case NodeObserved n -> "pool " + n.nodePool() + ", " + (n.edge() ? "edge" : "cloud") + ", "
                    + (n.ready() ? "Ready" : "NotReady") + (n.gatewayPinned() ? ", pinned gateway" : "")
                    + ", ips " + n.internalIps();
            case AgentHeartbeat h when h.stopping() -> "stopping: its roles end now";
            case AgentHeartbeat h -> "alive; roles " + (h.roles().isEmpty() ? "none" : h.roles().stream().map(Enum::name).sorted()
                    .collect(Collectors.joining(","))) + ", topology generation " + h.topologyGeneration()
                    + ", " + h.openStreams() + " streams" + (h.linkedPeers().isEmpty() ? "" : ", link peers " + h.linkedPeers())
                    + (h.tunnel() == null ? "" : ", tunnel " + tunnel(h.tunnel()));
            case GatewayTopology t -> "generation " + t.generation() + ", " + (t.edge() ? "edge" : "cloud")
                    + " pool " + t.nodePool() + ", endpoints " + endpoints(t.endpoints()) + ", " + t.members().size() + " members"
                    + (t.cloudExposure() == null ? "" : ", cloud entry " + t.cloudExposure().address() + ":" + t.cloudExposure().port())
                    + changes(t.changes());
            case ProvisioningStep p -> p.step().wireName() + " (revision " + p.configRevision() + "): " + p.message()
                    + (p.reason() == null ? "" : "; reason " + p.reason())
                    + (p.nextRetryAt() == null ? "" : "; retry at " + TIME.format(p.nextRetryAt()));
            case CloudState s -> "eip " + s.eipId() + " " + s.eipIp() + ", lb " + s.loadBalancerId() + " " + s.loadBalancerIp()
                    + ", acl " + (s.aclId().isEmpty() ? "none" : s.aclId()) + ", l7-proxy " + s.enableL7Proxy()
                    + ", l3-tunnel " + s.enableL3Tunnel();
            case DeadLetter d -> "set aside " + d.originalTopic() + "-" + d.originalPartition() + "@" + d.originalOffset()
                    + " by " + d.failedService() + ": " + d.reason();
        };
    }

    /** {@code ready, MTU 1440, peers cloud-1 (handshake 2 s ago, answers, presence held)} */
    private static String tunnel(AgentHeartbeat.TunnelReport tunnel) {
        String peers = tunnel.peers().stream().map(p -> p.nodeName() + " (" + (p.latestHandshake() == null ? "no handshake"
                : "handshake " + Math.max(0, Duration.between(p.latestHandshake(), Instant.now()).toSeconds()) + " s ago")
                + (p.probeOk() == null ? "" : p.probeOk() ? ", answers" : ", does not answer")
                + (Boolean.TRUE.equals(p.presence()) ? ", presence held" : "") + ")").collect(Collectors.joining(", "));
        return tunnel.state().wireName() + (tunnel.mtu() == null ? "" : ", MTU " + tunnel.mtu())
                + (tunnel.problem() == null ? "" : ", " + tunnel.problem()) + (peers.isEmpty() ? "" : ", peers " + peers);
    }

    /** "; edge-1 went (LINK_LOST: ...), edge-2 came (REPLACEMENT: ...)". */
    private static String changes(List<GatewayTopology.EndpointChange> changes) {
        return changes.isEmpty() ? "" : "; " + changes.stream().map(c -> c.type().name().toLowerCase() + ":" + c.nodeName()
                + (c.added() ? " came (" : " went (") + c.cause() + ": " + c.detail() + ")").collect(Collectors.joining(", "));
    }

    private static String endpoints(List<GatewayTopology.Endpoint> endpoints) {
        return endpoints.isEmpty() ? "none"
                : endpoints.stream().map(e -> e.type().name().toLowerCase() + ":" + e.nodeName()).collect(Collectors.joining(","));
    }

    private static String onOff(boolean enabled) {
        return enabled ? "on" : "off";
    }
}
