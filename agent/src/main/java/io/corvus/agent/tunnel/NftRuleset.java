package io.corvus.agent.tunnel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SortedSet;
import java.util.stream.Collectors;

/**
 * Corvus's nftables table (family inet) as the text {@code nft -f} takes, and a digest of it that
 * the table carries as its comment, so that an agent tells at a glance whether the table it finds
 * is the one it wants. Its chains:
 * <ul>
 * <li>{@code keep-pod-source}: pod-to-pod packets between pools keep their source address. An
 * identity SNAT in an earlier NAT chain binds the connection, so the CNI's masquerade in a later
 * chain never applies to it;</li>
 * <li>{@code clamp-mss}, {@code clamp-mss-out}: SYN and SYN-ACK leaving through a tunnel link are
 * clamped to the route's MTU, both for forwarded packets and for the node's own;</li>
 * <li>{@code vxlan-sources}: VXLAN packets with Corvus's id are accepted only from the nodes this one
 * exchanges them with; VXLAN has no authentication of its own.</li>
 * <li>{@code count-peers-*}: on a gateway, the packets and bytes to and from each WireGuard peer,
 * in the named counters {@code peer<i>_tx} and {@code peer<i>_rx} (WireGuard itself counts bytes only).</li>
 * </ul>
 */
public final class NftRuleset {

    private NftRuleset() {
    }

    /** The whole table, with its digest as comment. */
    public static String render(String table, TunnelPlan.PacketRules rules) {
        String body = body(rules);
        return "table inet " + table + " {\n\tcomment \"corvus " + digest(body) + "\"\n" + body + "}\n";
    }

    /** What the table's comment says when it holds exactly these rules. */
    public static String comment(TunnelPlan.PacketRules rules) {
        return "corvus " + digest(body(rules));
    }

    /** One transaction that replaces the table whole (creating it first, so the delete cannot fail). */
    public static String replacement(String table, TunnelPlan.PacketRules rules) {
        return "table inet " + table + "\ndelete table inet " + table + "\n" + render(table, rules);
    }

    private static String body(TunnelPlan.PacketRules rules) {
        String devices = rules.tunnelDevices().stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(", "));
        return set("cluster_pods", "ipv4_addr", true, rules.clusterPods())
                + set("remote_pods", "ipv4_addr", true, rules.remotePods())
                + set("vxlan_sources", "ipv4_addr", false, rules.vxlanSources())
                + "\tchain keep-pod-source {\n"
                + "\t\ttype nat hook postrouting priority srcnat - 10; policy accept;\n"
                + "\t\tip saddr @cluster_pods ip daddr @remote_pods snat ip to ip saddr\n"
                + "\t}\n"
                + "\tchain clamp-mss {\n"
                + "\t\ttype filter hook forward priority mangle; policy accept;\n"
                + "\t\toifname { " + devices + " } tcp flags syn tcp option maxseg size set rt mtu\n"
                + "\t}\n"
                + "\tchain clamp-mss-out {\n"
                + "\t\ttype filter hook output priority mangle; policy accept;\n"
                + "\t\toifname { " + devices + " } tcp flags syn tcp option maxseg size set rt mtu\n"
                + "\t}\n"
                + "\tchain vxlan-sources {\n"
                + "\t\ttype filter hook input priority filter - 10; policy accept;\n"
                // the VXLAN id is the 24 bits after the 4-byte flags word that follows the 8-byte UDP header
                + "\t\tudp dport " + rules.vxlanPort() + " @th,96,24 " + rules.vni() + " ip saddr != @vxlan_sources counter drop\n"
                + "\t}\n"
                + peerCounters(rules);
    }

    /** The name of the counter of peer {@code index} (in the plan's order), {@code tx} or {@code rx}. */
    public static String counter(int index, String direction) {
        return "peer" + index + "_" + direction;
    }

    private static String peerCounters(TunnelPlan.PacketRules rules) {
        if (rules.wireguardDevice() == null || rules.peerPods().isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        StringBuilder sent = new StringBuilder();
        StringBuilder received = new StringBuilder();
        String device = "\"" + rules.wireguardDevice() + "\"";
        for (int i = 0; i < rules.peerPods().size(); i++) {
            text.append(set("peer" + i, "ipv4_addr", true, rules.peerPods().get(i)));
            text.append("\tcounter ").append(counter(i, "tx")).append(" {\n\t}\n\tcounter ").append(counter(i, "rx")).append(" {\n\t}\n");
            sent.append("\t\toifname ").append(device).append(" ip daddr @peer").append(i).append(" counter name \"").append(counter(i, "tx"))
                    .append("\"\n");
            received.append("\t\tiifname ").append(device).append(" ip saddr @peer").append(i).append(" counter name \"")
                    .append(counter(i, "rx")).append("\"\n");
        }
        return text.append(chain("count-peers-forward", "forward", sent + received.toString()))
                .append(chain("count-peers-out", "output", sent.toString()))
                .append(chain("count-peers-in", "input", received.toString())).toString();
    }

    private static String chain(String name, String hook, String rules) {
        return "\tchain " + name + " {\n\t\ttype filter hook " + hook + " priority filter; policy accept;\n" + rules + "\t}\n";
    }

    private static String set(String name, String type, boolean intervals, SortedSet<String> elements) {
        StringBuilder set = new StringBuilder("\tset ").append(name).append(" {\n\t\ttype ").append(type).append("\n");
        if (intervals) {
            set.append("\t\tflags interval\n");
        }
        if (!elements.isEmpty()) {
            set.append("\t\telements = { ").append(String.join(", ", elements)).append(" }\n");
        }
        return set.append("\t}\n").toString();
    }

    private static String digest(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
