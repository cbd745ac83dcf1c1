package io.corvus.launcher;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.corvus.events.view.OverviewSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code corvus show clusters|gateways|endpoints|changes|connections|provisioning}: tables of what
 * the topics say now, read once from the broker (no service needs to be up but Kafka).
 */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Shows what the topics say about the clusters now.",
        subcommands = {ShowCommand.Clusters.class, ShowCommand.Gateways.class, ShowCommand.Endpoints.class, ShowCommand.Changes.class,
                ShowCommand.Connections.class, ShowCommand.Provisioning.class})
final class ShowCommand {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    /** Reads the topics and prints one view of the selected clusters. */
    abstract static class View implements Callable<Integer> {
        @Mixin
        Target target;

        @Mixin
        Output output;

        @Option(names = "--cluster", description = "Only this cluster (default: all).")
        String cluster;

        @Override
        public Integer call() {
            OverviewSnapshot snapshot = OverviewReader.read(target.kafka());
            List<OverviewSnapshot.Cluster> clusters = snapshot.clusters().stream()
                    .filter(c -> cluster == null || c.clusterId().equals(cluster)).toList();
            if (cluster != null && clusters.isEmpty()) {
                throw new CliFailure(CliFailure.Exit.NOT_FOUND, "the topics say nothing about cluster " + cluster + "; the clusters are "
                        + snapshot.clusters().stream().map(OverviewSnapshot.Cluster::clusterId).toList());
            }
            Output.Table table = table();
            List<Map<String, Object>> rows = new ArrayList<>();
            clusters.forEach(c -> rows.addAll(rows(c, table)));
            output.print(System.out, rows, () -> table);
            return 0;
        }

        abstract Output.Table table();

        /** Adds the cluster's rows to the table and answers the same data for JSON and YAML. */
        abstract List<Map<String, Object>> rows(OverviewSnapshot.Cluster cluster, Output.Table table);
    }

    @Command(name = "clusters", mixinStandardHelpOptions = true, description = "Each cluster: configuration, gateways, nodes, provisioning.")
    static final class Clusters extends View {
        @Override
        Output.Table table() {
            return new Output.Table("the topics hold no cluster", "CLUSTER", "REVISION", "PROXY", "TUNNEL", "GATEWAYS", "NODES HEARD",
                    "PROVISIONING", "CLOUD ENTRY", "DEAD LETTERS");
        }

        @Override
        List<Map<String, Object>> rows(OverviewSnapshot.Cluster c, Output.Table table) {
            long heard = c.nodes().stream().filter(n -> n.heartbeatAgeMillis() != null).count();
            table.row(c.clusterId(), c.config() == null ? "none" : c.config().revision(),
                    c.config() == null ? "-" : ConfigCommand.onOff(c.config().proxyEnabled()),
                    c.config() == null ? "-" : ConfigCommand.onOff(c.config().tunnelEnabled()), c.gateways().size(),
                    heard + "/" + c.nodes().size(), c.lastStep().map(s -> s.step() + " " + when(s.at())).orElse("-"),
                    c.gateways().stream().map(OverviewSnapshot.Gateway::cloudEntry).filter(e -> e != null).findFirst().orElse("-"),
                    c.deadLetters());
            return List.of(Map.of("cluster", c));
        }
    }

    @Command(name = "gateways", mixinStandardHelpOptions = true,
            description = "Each gateway (node pool): its active endpoints, since when, and the reason of the last change.")
    static final class Gateways extends View {
        @Override
        Output.Table table() {
            return new Output.Table("no gateway elected yet", "CLUSTER", "GATEWAY", "POOL", "SIDE", "ENDPOINTS", "GENERATION", "SINCE",
                    "LAST CHANGE");
        }

        @Override
        List<Map<String, Object>> rows(OverviewSnapshot.Cluster c, Output.Table table) {
            return c.gateways().stream().map(g -> {
                table.row(c.clusterId(), g.gatewayName(), g.nodePool(), g.edge() ? "edge" : "cloud", endpoints(g), g.generation(),
                        when(g.endpointsSince()) + " (" + age(g.endpointsAgeMillis()) + ")",
                        g.lastChange().map(ShowCommand::change).orElse("-"));
                return row(c, "gateway", g);
            }).toList();
        }
    }

    @Command(name = "endpoints", mixinStandardHelpOptions = true,
            description = "Each active endpoint: the node, its addresses, and how old its agent's last heartbeat is.")
    static final class Endpoints extends View {
        @Override
        Output.Table table() {
            return new Output.Table("no active endpoint", "CLUSTER", "GATEWAY", "TYPE", "NODE", "PRIVATE IP", "PUBLIC IP", "PORT",
                    "HEARTBEAT");
        }

        @Override
        List<Map<String, Object>> rows(OverviewSnapshot.Cluster c, Output.Table table) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (OverviewSnapshot.Gateway g : c.gateways()) {
                for (OverviewSnapshot.Endpoint e : g.endpoints()) {
                    Long heartbeatAge = c.nodes().stream().filter(n -> n.nodeName().equals(e.nodeName())).findFirst()
                            .map(OverviewSnapshot.Node::heartbeatAgeMillis).orElse(null);
                    table.row(c.clusterId(), g.gatewayName(), e.type().name().toLowerCase(), e.nodeName(), e.privateIp(), e.publicIp(),
                            e.port(), heartbeatAge == null ? "never heard" : age(heartbeatAge));
                    rows.add(row(c, "gateway", g.gatewayName(), "endpoint", e, "heartbeatAgeMillis", heartbeatAge));
                }
            }
            return rows;
        }
    }

    @Command(name = "changes", mixinStandardHelpOptions = true,
            description = "Every endpoint change still known, newest first: when, which node came or went, and why.")
    static final class Changes extends View {
        @Override
        Output.Table table() {
            return new Output.Table("no endpoint change yet", "AT", "CLUSTER", "GATEWAY", "GENERATION", "CHANGE", "CAUSE", "DETAIL");
        }

        @Override
        List<Map<String, Object>> rows(OverviewSnapshot.Cluster c, Output.Table table) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (OverviewSnapshot.Gateway g : c.gateways()) {
                for (OverviewSnapshot.Change change : g.history()) {
                    table.row(when(change.at()), c.clusterId(), g.gatewayName(), change.generation(),
                            change.type().name().toLowerCase() + ":" + change.nodeName() + (change.added() ? " came" : " went"),
                            change.cause(), change.detail());
                    rows.add(row(c, "gateway", g.gatewayName(), "change", change));
                }
            }
            return rows;
        }
    }

    @Command(name = "connections", mixinStandardHelpOptions = true,
            description = "Each node: Kubernetes' view, its agent's roles and heartbeat age, its proxy links and tunnel peers, "
                    + "when its certificate expires.")
    static final class Connections extends View {
        @Override
        Output.Table table() {
            return new Output.Table("no node known", "CLUSTER", "NODE", "POOL", "READY", "ROLES", "HEARTBEAT", "LINK PEERS", "STREAMS",
                    "TUNNEL", "TUNNEL PEERS", "CERTIFICATE UNTIL");
        }

        @Override
        List<Map<String, Object>> rows(OverviewSnapshot.Cluster c, Output.Table table) {
            return c.nodes().stream().map(n -> {
                table.row(c.clusterId(), n.nodeName() + (n.pinned() ? " (pinned)" : ""), n.nodePool(),
                        n.ready() == null ? "?" : n.ready() ? "yes" : "NO",
                        n.roles().isEmpty() ? "-" : n.roles().stream().map(r -> r.name().toLowerCase()).collect(Collectors.joining(",")),
                        n.heartbeatAgeMillis() == null ? "never heard" : age(n.heartbeatAgeMillis()) + (n.stopping() ? " (stopping)" : ""),
                        n.linkPeers().isEmpty() ? "-" : String.join(",", n.linkPeers()), n.openStreams(),
                        n.tunnelState() == null ? "-" : n.tunnelState() + (n.tunnelProblem() == null ? "" : ": " + n.tunnelProblem()),
                        n.tunnelPeers().isEmpty() ? "-" : n.tunnelPeers().stream().map(ShowCommand::peer).collect(Collectors.joining(", ")),
                        when(n.certificateNotAfter()));
                return row(c, "node", n);
            }).toList();
        }
    }

    @Command(name = "provisioning", mixinStandardHelpOptions = true,
            description = "The cloud side's provisioning steps, oldest first, and the values of raven-cfg.")
    static final class Provisioning extends View {
        @Override
        Output.Table table() {
            return new Output.Table("no provisioning step yet", "AT", "CLUSTER", "REVISION", "STEP", "MESSAGE", "REASON");
        }

        @Override
        List<Map<String, Object>> rows(OverviewSnapshot.Cluster c, Output.Table table) {
            c.provisioning().forEach(s -> table.row(when(s.at()), c.clusterId(), s.configRevision(), s.step(), s.message(),
                    s.reason() == null ? "-" : s.reason() + (s.nextRetryAt() == null ? "" : ", retry at " + when(s.nextRetryAt()))));
            if (!c.ravenConfig().isEmpty()) {
                table.row(when(c.cloudUpdatedAt()), c.clusterId(), "-", "raven-cfg", c.ravenConfig().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")), "-");
            }
            return List.of(row(c, "steps", c.provisioning(), "ravenConfig", c.ravenConfig()));
        }
    }

    /** A row for JSON and YAML: the cluster's id, then the given names and values in turn. */
    private static Map<String, Object> row(OverviewSnapshot.Cluster cluster, Object... namesAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("clusterId", cluster.clusterId());
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return row;
    }

    private static String endpoints(OverviewSnapshot.Gateway gateway) {
        return gateway.endpoints().isEmpty() ? "none"
                : gateway.endpoints().stream().map(e -> e.type().name().toLowerCase() + ":" + e.nodeName()).collect(Collectors.joining(","));
    }

    /** {@code proxy:edge-1 went: LINK_LOST (local-cloud-1 saw its connection with it close ...)} */
    static String change(OverviewSnapshot.Change change) {
        return change.type().name().toLowerCase() + ":" + change.nodeName() + (change.added() ? " came: " : " went: ") + change.cause()
                + " (" + change.detail() + ")";
    }

    /** {@code cloud-1 handshake 12s ago, answers 0.4 ms} */
    private static String peer(OverviewSnapshot.TunnelPeer peer) {
        return peer.nodeName() + " " + (peer.handshakeAgeMillis() == null ? "no handshake" : "handshake " + age(peer.handshakeAgeMillis()))
                + (peer.probeOk() == null ? "" : peer.probeOk() ? ", answers" + (peer.probeRttMillis() == null ? ""
                        : String.format(" %.1f ms", peer.probeRttMillis())) : ", DOES NOT ANSWER");
    }

    static String when(Instant at) {
        return at == null ? "-" : TIME.format(at);
    }

    /** {@code 0.8s ago}, {@code 42s ago}, {@code 5m ago}, {@code 3h ago}. */
    static String age(long millis) {
        Duration age = Duration.ofMillis(millis);
        if (age.toSeconds() < 10) {
            return String.format("%.1fs ago", millis / 1000.0);
        }
        return age.toMinutes() < 2 ? age.toSeconds() + "s ago" : age.toHours() < 2 ? age.toMinutes() + "m ago" : age.toHours() + "h ago";
    }
}
