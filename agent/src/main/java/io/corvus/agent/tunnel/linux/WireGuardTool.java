package io.corvus.agent.tunnel.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import io.corvus.agent.tunnel.TunnelPlan;
import io.corvus.pki.SecretFiles;

/**
 * WireGuard's own configuration tool, {@code wg}, for either driver: what a link holds
 * ({@code wg show dump}) and how it is made to hold exactly the plan ({@code wg syncconf}, which
 * changes only what differs and keeps the sessions of unchanged peers).
 */
final class WireGuardTool {

    /** One peer as {@code wg show dump} lists it. */
    record PeerState(String publicKey, String endpoint, SortedSet<String> allowedIps, Instant latestHandshake, long rxBytes,
            long txBytes, int keepaliveSeconds) {
    }

    /** The link's listen port and peers. */
    record LinkState(int listenPort, String publicKey, List<PeerState> peers) {
    }

    private final Commands commands;

    WireGuardTool(Commands commands) {
        this.commands = commands;
    }

    LinkState show(String device) {
        String[] lines = commands.run("wg", "show", device, "dump").strip().split("\n");
        String[] link = lines[0].split("\t");
        List<PeerState> peers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split("\t");
            SortedSet<String> allowed = new TreeSet<>();
            if (!"(none)".equals(f[3])) {
                allowed.addAll(List.of(f[3].split(",")));
            }
            long handshake = Long.parseLong(f[4]);
            peers.add(new PeerState(f[0], "(none)".equals(f[2]) ? null : f[2], allowed,
                    handshake == 0 ? null : Instant.ofEpochSecond(handshake), Long.parseLong(f[5]), Long.parseLong(f[6]),
                    "off".equals(f[7]) ? 0 : Integer.parseInt(f[7])));
        }
        return new LinkState(Integer.parseInt(link[2]), link[1], peers);
    }

    /** Whether the link already holds the plan: same port, same peers with the same keys, addresses and keepalive. */
    static boolean holds(LinkState state, TunnelPlan.WireGuard plan, String publicKey, int keepaliveSeconds) {
        if (state.listenPort() != plan.listenPort() || !publicKey.equals(state.publicKey()) || state.peers().size() != plan.peers().size()) {
            return false;
        }
        for (TunnelPlan.Peer wanted : plan.peers()) {
            boolean found = state.peers().stream().anyMatch(peer -> peer.publicKey().equals(wanted.publicKey())
                    && peer.allowedIps().equals(wanted.allowedIps()) && peer.keepaliveSeconds() == keepaliveSeconds
                    // a peer that dials in roams: its endpoint is whatever it came from
                    && (wanted.endpoint() == null || wanted.endpoint().equals(peer.endpoint())));
            if (!found) {
                return false;
            }
        }
        return true;
    }

    /**
     * Makes the link hold exactly the plan. The configuration holds the private key, so it is
     * written owner-only, beside the key, and replaced atomically.
     */
    void sync(String device, TunnelPlan.WireGuard plan, Path privateKeyFile, Path presharedKeyFile, int keepaliveSeconds)
            throws IOException {
        StringBuilder config = new StringBuilder("[Interface]\nPrivateKey = ").append(Files.readString(privateKeyFile).strip())
                .append("\nListenPort = ").append(plan.listenPort()).append("\n");
        String preshared = Files.readString(presharedKeyFile).strip();
        for (TunnelPlan.Peer peer : plan.peers()) {
            config.append("\n[Peer]\n# ").append(peer.nodeName()).append("\nPublicKey = ").append(peer.publicKey())
                    .append("\nPresharedKey = ").append(preshared)
                    .append("\nAllowedIPs = ").append(String.join(", ", peer.allowedIps()))
                    .append("\nPersistentKeepalive = ").append(keepaliveSeconds).append("\n");
            if (peer.endpoint() != null) {
                config.append("Endpoint = ").append(peer.endpoint()).append("\n");
            }
        }
        Path file = privateKeyFile.resolveSibling(device + ".conf");
        SecretFiles.write(file, config.toString());
        commands.run("wg", "syncconf", device, file.toString());
    }
}
