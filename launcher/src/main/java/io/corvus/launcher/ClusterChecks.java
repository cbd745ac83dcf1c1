package io.corvus.launcher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.corvus.events.Cidr;
import io.corvus.events.payload.GatewayTopology.EndpointType;
import io.corvus.events.view.OverviewSnapshot;

/**
 * What {@code corvus verify} and {@code corvus diagnose} conclude from what the topics say: plain
 * checks on an {@link OverviewSnapshot} and on the few facts the commands gather themselves
 * (answers through the proxy, heartbeat clocks, topic settings, certificates).
 */
final class ClusterChecks {

    /** The elector's default heartbeat window (interval 1 s x 3 missed beats). */
    static final Duration HEARTBEAT_WINDOW = Duration.ofSeconds(3);
    /** How far an agent's clock may be from this machine's before the elector's ages mislead it. */
    static final Duration CLOCK_SKEW_LIMIT = Duration.ofSeconds(1);
    /** The local PKI issues node certificates for 30 days: with a week left it is time to renew. */
    static final Duration CERTIFICATE_WARNING = Duration.ofDays(7);
    static final Duration PROVISIONING_STUCK = Duration.ofMinutes(2);
    /** The tunnel MTU over a 1,500-byte IPv4 underlay; IPv6 gives 1,420. */
    static final int EXPECTED_TUNNEL_MTU = 1420;
    static final String HEALTH_CHECK_RANGE = "100.64.0.0/10";

    enum Verdict { PASS, WARN, FAIL }

    /** One check's outcome: what was checked, about what, and what was found (with the fix when it failed). */
    record Finding(Verdict verdict, String check, String subject, String detail) {
    }

    /** A request sent through the cloud gateway's HTTP door to a node of an edge pool, and its answer (status 0: none). */
    record ProxyAnswer(String gateway, String target, int status, String firstLine, String body) {
    }

    private ClusterChecks() {
    }

    /** The data path of what is enabled: endpoints in every pool, proxy links up, requests through them, tunnel peers answering. */
    static List<Finding> verify(OverviewSnapshot.Cluster cluster, List<ProxyAnswer> answers) {
        List<Finding> found = new ArrayList<>();
        OverviewSnapshot.Config config = cluster.config();
        if (config == null) {
            found.add(new Finding(Verdict.FAIL, "configuration", cluster.clusterId(), "no configuration: publish one with corvus config apply"));
            return found;
        }
        if (!config.proxyEnabled() && !config.tunnelEnabled()) {
            found.add(new Finding(Verdict.WARN, "configuration", cluster.clusterId(), "proxy and tunnel mode are both off: nothing to verify"));
        }
        for (OverviewSnapshot.Gateway gateway : cluster.gateways()) {
            if (config.proxyEnabled()) {
                found.add(endpointOf(gateway, EndpointType.PROXY, cluster));
            }
            if (config.tunnelEnabled()) {
                found.add(endpointOf(gateway, EndpointType.TUNNEL, cluster));
            }
        }
        if (config.proxyEnabled()) {
            found.addAll(proxyLinks(cluster));
            answers.forEach(answer -> found.add(throughTheProxy(answer)));
        }
        if (config.tunnelEnabled()) {
            found.addAll(tunnelPeers(cluster));
        }
        return found;
    }

    private static Finding endpointOf(OverviewSnapshot.Gateway gateway, EndpointType type, OverviewSnapshot.Cluster cluster) {
        String mode = type.name().toLowerCase();
        List<String> nodes = gateway.endpoints().stream().filter(e -> e.type() == type).map(OverviewSnapshot.Endpoint::nodeName).toList();
        if (!nodes.isEmpty()) {
            return new Finding(Verdict.PASS, mode + " endpoint", "pool " + gateway.nodePool(), String.join(", ", nodes) + " since "
                    + ShowCommand.when(gateway.endpointsSince()));
        }
        String why = gateway.lastChange().map(ShowCommand::change).orElse("no endpoint was ever elected");
        return new Finding(Verdict.FAIL, mode + " endpoint", "pool " + gateway.nodePool(), "no active " + mode + " endpoint (last change: "
                + why + "); members " + gateway.members() + ": see corvus show connections --cluster " + cluster.clusterId());
    }

    /** Each edge gateway's proxy endpoint is a link peer of a cloud gateway's, as the cloud side's heartbeat says. */
    private static List<Finding> proxyLinks(OverviewSnapshot.Cluster cluster) {
        List<String> cloudEnds = cluster.gateways().stream().filter(g -> !g.edge()).flatMap(g -> g.endpoints().stream())
                .filter(e -> e.type() == EndpointType.PROXY).map(OverviewSnapshot.Endpoint::nodeName).toList();
        List<Finding> found = new ArrayList<>();
        for (OverviewSnapshot.Gateway edge : cluster.gateways().stream().filter(OverviewSnapshot.Gateway::edge).toList()) {
            for (OverviewSnapshot.Endpoint end : edge.endpoints().stream().filter(e -> e.type() == EndpointType.PROXY).toList()) {
                List<String> linkedTo = cloudEnds.stream().filter(cloud -> node(cluster, cloud)
                        .map(n -> n.linkPeers().contains(end.nodeName())).orElse(false)).toList();
                found.add(linkedTo.isEmpty()
                        ? new Finding(Verdict.FAIL, "proxy link", end.nodeName(), "no cloud gateway " + cloudEnds
                                + " reports a link from it: is the cloud entry reachable from the edge, and does the whitelist admit it?")
                        : new Finding(Verdict.PASS, "proxy link", end.nodeName(), "linked to " + String.join(", ", linkedTo)));
            }
        }
        return found;
    }

    private static Finding throughTheProxy(ProxyAnswer answer) {
        String subject = "pool " + answer.gateway() + " via " + answer.target();
        if (answer.status() == 0) {
            return new Finding(Verdict.FAIL, "request through the proxy", subject, "no answer: " + answer.firstLine());
        }
        if (answer.status() == 502 && !answer.body().startsWith("cannot open a stream") && !answer.body().startsWith("the edge gateway closed")) {
            return new Finding(Verdict.WARN, "request through the proxy", subject, "the request crossed the link, but nothing answered at "
                    + answer.target() + " on the edge: " + answer.body() + " (is the port right? --target-port)");
        }
        boolean fromTheDoor = answer.status() == 403 || answer.status() == 502 || answer.status() == 503;
        return fromTheDoor
                ? new Finding(Verdict.FAIL, "request through the proxy", subject, answer.firstLine() + ": " + answer.body())
                : new Finding(Verdict.PASS, "request through the proxy", subject, "answered " + answer.firstLine());
    }

    private static List<Finding> tunnelPeers(OverviewSnapshot.Cluster cluster) {
        List<Finding> found = new ArrayList<>();
        for (OverviewSnapshot.Gateway gateway : cluster.gateways()) {
            for (OverviewSnapshot.Endpoint end : gateway.endpoints().stream().filter(e -> e.type() == EndpointType.TUNNEL).toList()) {
                Optional<OverviewSnapshot.Node> node = node(cluster, end.nodeName());
                if (node.isEmpty() || node.get().tunnelState() == null) {
                    found.add(new Finding(Verdict.FAIL, "tunnel", end.nodeName(), "its agent reports no tunnel"));
                    continue;
                }
                if (!"ready".equals(node.get().tunnelState())) {
                    found.add(new Finding(Verdict.FAIL, "tunnel", end.nodeName(), node.get().tunnelState() + ": " + node.get().tunnelProblem()));
                }
                for (OverviewSnapshot.TunnelPeer peer : node.get().tunnelPeers()) {
                    boolean answers = Boolean.TRUE.equals(peer.probeOk());
                    found.add(new Finding(answers ? Verdict.PASS : Verdict.FAIL, "probe between pools", end.nodeName() + " -> " + peer.nodeName(),
                            answers ? "answers" + (peer.probeRttMillis() == null ? "" : String.format(" in %.1f ms", peer.probeRttMillis()))
                                    + ", handshake " + (peer.handshakeAgeMillis() == null ? "none" : ShowCommand.age(peer.handshakeAgeMillis()))
                                    : "does not answer through the tunnel (handshake " + (peer.handshakeAgeMillis() == null ? "never"
                                            : ShowCommand.age(peer.handshakeAgeMillis())) + "): is UDP 4500 open between the gateways?"));
                }
            }
        }
        return found;
    }

    /** What users of these systems get wrong, each checked; only the problems are findings, and one PASS line per check that found none. */
    static List<Finding> diagnose(OverviewSnapshot.Cluster cluster, Instant now, Map<String, Duration> clockOffsets,
            List<String> topicDrifts, Map<String, Instant> certificatesNotAfter) {
        List<Finding> found = new ArrayList<>();
        check(found, "whitelist", whitelist(cluster));
        check(found, "heartbeats", heartbeats(cluster));
        check(found, "clocks", clocks(clockOffsets));
        check(found, "certificates", certificates(certificatesNotAfter, now));
        check(found, "topics", topicDrifts.stream().map(drift -> new Finding(Verdict.FAIL, "topics", "catalog", drift)).toList());
        check(found, "provisioning", provisioning(cluster, now));
        check(found, "node pools", pools(cluster));
        check(found, "tunnel MTU", mtu(cluster));
        return found;
    }

    private static void check(List<Finding> found, String check, List<Finding> problems) {
        if (problems.isEmpty()) {
            found.add(new Finding(Verdict.PASS, check, "-", "no problem found"));
        } else {
            found.addAll(problems);
        }
    }

    private static List<Finding> whitelist(OverviewSnapshot.Cluster cluster) {
        List<Finding> found = new ArrayList<>();
        if (cluster.config() != null && !cluster.config().accessControlList().isEmpty()
                && !covers(cluster.config().accessControlList())) {
            found.add(new Finding(Verdict.FAIL, "whitelist", "configuration", "accessControlList " + cluster.config().accessControlList()
                    + " lacks " + HEALTH_CHECK_RANGE + ": the CLB's health checks come from it and every backend would be marked "
                    + "unhealthy; add it (corvus config patch -p ...)"));
        }
        String applied = cluster.ravenConfig().getOrDefault("acl-entry", "");
        if (!applied.isBlank() && !covers(List.of(applied.split(",")))) {
            found.add(new Finding(Verdict.FAIL, "whitelist", "raven-cfg acl-entry", "the ACL applied in the cloud (" + applied + ") lacks "
                    + HEALTH_CHECK_RANGE + ": health checks fail; the provisioner re-applies the configuration's list on its next reconcile"));
        }
        return found;
    }

    private static boolean covers(List<String> entries) {
        Cidr range = Cidr.parse(HEALTH_CHECK_RANGE);
        return entries.stream().map(String::trim).filter(e -> !e.isEmpty()).anyMatch(entry -> {
            try {
                return Cidr.parse(entry).contains(range);
            } catch (IllegalArgumentException unreadable) {
                return false;
            }
        });
    }

    private static List<Finding> heartbeats(OverviewSnapshot.Cluster cluster) {
        List<Finding> found = new ArrayList<>();
        for (OverviewSnapshot.Node node : cluster.nodes()) {
            Long age = node.heartbeatAgeMillis();
            if (age == null) {
                found.add(new Finding(Verdict.FAIL, "heartbeats", node.nodeName(), "no heartbeat from its agent in the last "
                        + OverviewReader.HEARTBEAT_LOOK_BACK.toMinutes() + " min: is the agent running on it (DaemonSet corvus-agent)?"));
            } else if (age > HEARTBEAT_WINDOW.toMillis()) {
                found.add(new Finding(Verdict.FAIL, "heartbeats", node.nodeName(), "last heartbeat " + ShowCommand.age(age)
                        + " (window " + HEARTBEAT_WINDOW.toSeconds() + " s)" + (node.stopping() ? ": its agent stopped" : ": is its agent "
                        + "alive, and can it reach the broker?")));
            }
        }
        return found;
    }

    /** {@code offsets}: per node, how far its heartbeats' times were ahead (positive) of this machine's clock when they arrived. */
    private static List<Finding> clocks(Map<String, Duration> offsets) {
        return offsets.entrySet().stream().filter(e -> e.getValue().abs().compareTo(CLOCK_SKEW_LIMIT) > 0)
                .map(e -> new Finding(Verdict.FAIL, "clocks", e.getKey(), "its clock is " + String.format("%.1f s %s", Math.abs(
                        e.getValue().toMillis()) / 1000.0, e.getValue().isNegative() ? "behind" : "ahead of") + " this machine's: the elector "
                        + "judges heartbeat ages by its own clock, so the node looks " + (e.getValue().isNegative() ? "late" : "fresher than it is")
                        + "; run chrony or systemd-timesyncd on it"))
                .toList();
    }

    private static List<Finding> certificates(Map<String, Instant> notAfter, Instant now) {
        List<Finding> found = new ArrayList<>();
        notAfter.forEach((subject, end) -> {
            Duration left = Duration.between(now, end);
            if (left.isNegative()) {
                found.add(new Finding(Verdict.FAIL, "certificates", subject, "expired at " + end + ": links are refused; renew it"));
            } else if (left.compareTo(CERTIFICATE_WARNING) < 0) {
                found.add(new Finding(Verdict.WARN, "certificates", subject, "expires in " + left.toDays() + " days (" + end + "): renew it"));
            }
        });
        return found;
    }

    private static List<Finding> provisioning(OverviewSnapshot.Cluster cluster, Instant now) {
        return cluster.lastStep().filter(step -> ("degraded".equals(step.step()) || "failed".equals(step.step()))
                        && Duration.between(step.at(), now).compareTo(PROVISIONING_STUCK) > 0)
                .map(step -> List.of(new Finding(Verdict.FAIL, "provisioning", "cloud side", "stuck " + step.step() + " since "
                        + ShowCommand.when(step.at()) + ": " + step.message() + (step.reason() == null ? "" : " (" + step.reason() + ")")
                        + "; see the cloud-provisioner's log and the provider's quota and credentials")))
                .orElse(List.of());
    }

    private static List<Finding> pools(OverviewSnapshot.Cluster cluster) {
        return cluster.nodes().stream().filter(n -> n.ready() != null && n.nodePool() == null)
                .map(n -> new Finding(Verdict.WARN, "node pools", n.nodeName(), "in no node pool, so it is never a gateway and its pods "
                        + "reach no other pool: kubectl label node " + n.nodeName() + " apps.openyurt.io/nodepool=POOL"))
                .toList();
    }

    private static List<Finding> mtu(OverviewSnapshot.Cluster cluster) {
        return cluster.nodes().stream().filter(n -> n.tunnelMtu() != null && n.tunnelMtu() < EXPECTED_TUNNEL_MTU)
                .map(n -> new Finding(Verdict.WARN, "tunnel MTU", n.nodeName(), "the tunnel's MTU is " + n.tunnelMtu() + ", below the "
                        + EXPECTED_TUNNEL_MTU + " a 1,500-byte underlay gives: its underlay is smaller, and pods that send 1,500-byte "
                        + "packets lose them; set the pod network's MTU to " + n.tunnelMtu() + " or less"))
                .toList();
    }

    private static Optional<OverviewSnapshot.Node> node(OverviewSnapshot.Cluster cluster, String name) {
        return cluster.nodes().stream().filter(n -> n.nodeName().equals(name)).findFirst();
    }
}
