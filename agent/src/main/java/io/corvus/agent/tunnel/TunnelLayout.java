package io.corvus.agent.tunnel;

import java.time.Duration;

import io.corvus.events.Raven;

/**
 * The names and numbers this node's tunnel objects carry: every link, route, rule and nftables
 * table Corvus makes is found again by them, and nothing else is ever changed.
 *
 * @param wireguardInterface the WireGuard link of a gateway (wireguard-go's control socket is named
 *                           after it too, in one folder for the whole machine: unique per machine)
 * @param vxlanInterface     the VXLAN link between a node and its pool's gateway
 * @param routeTable         the routing table holding the routes to other pools' pod CIDRs
 * @param rulePriority       the priority of the one policy rule that sends lookups into that table,
 *                           before the main table
 * @param nftTable           the nftables table (family inet) with Corvus's packet rules
 * @param keepalive          WireGuard's persistent keepalive, so NAT mappings of edge gateways stay open
 */
public record TunnelLayout(String wireguardInterface, String vxlanInterface, int routeTable, int rulePriority, String nftTable,
        int listenPort, int vxlanPort, Duration keepalive) {

    /** What a node uses unless its settings say otherwise. */
    public static final TunnelLayout DEFAULT = new TunnelLayout("corvus-wg", "corvus-vx", 1028, 1028, "corvus",
            Raven.TUNNEL_PORT, Raven.VXLAN_PORT, Duration.ofSeconds(25));

    public TunnelLayout {
        interfaceName(wireguardInterface, "wireguard-interface");
        interfaceName(vxlanInterface, "vxlan-interface");
        if (routeTable < 1 || routeTable > 252 && routeTable < 256 || routeTable > 0x7fffffff) {
            throw new IllegalArgumentException("corvus.agent.tunnel.route-table must be 1-252 or 256 and above (253-255 are the "
                    + "kernel's default, main and local tables), got " + routeTable);
        }
        if (rulePriority < 1 || rulePriority >= 32766) {
            throw new IllegalArgumentException("corvus.agent.tunnel.rule-priority must be 1 to 32765, before the main table's "
                    + "rule, got " + rulePriority);
        }
        if (!nftTable.matches("[a-z][a-z0-9_-]{0,30}")) {
            throw new IllegalArgumentException("corvus.agent.tunnel.nft-table must be a short lower-case name, got '" + nftTable + "'");
        }
    }

    private static void interfaceName(String name, String setting) {
        if (name == null || !name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,14}")) {
            throw new IllegalArgumentException("corvus.agent.tunnel." + setting + " must be a Linux interface name of 1 to 15 "
                    + "letters, digits, '-', '_' or '.', got '" + name + "'");
        }
    }
}
