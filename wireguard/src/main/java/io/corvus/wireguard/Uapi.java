package io.corvus.wireguard;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The text of WireGuard's cross-platform configuration protocol (the one {@code wg} speaks to
 * wireguard-go over {@code /var/run/wireguard/<device>.sock}): the answer to {@code get=1}, so that
 * {@code wg show} reads this device as it reads any other, and the new configuration a
 * {@code set=1} asks for, so that {@code wg set} and {@code wg syncconf} change it. Keys are hex;
 * every answer ends with {@code errno=N} (0, or a negative errno) and an empty line.
 */
public final class Uapi {

    private static final HexFormat HEX = HexFormat.of();

    private Uapi() {
    }

    /** What a device is and holds, for {@code get=1}. */
    public record DeviceStatus(Optional<Identity> identity, int listenPort, List<PeerStatus> peers) {
    }

    /** One peer as {@code get=1} lists it; {@code lastHandshake} null before the first. */
    public record PeerStatus(byte[] publicKey, byte[] presharedKey, InetSocketAddress endpoint, Instant lastHandshake, long txBytes,
            long rxBytes, Duration persistentKeepalive, List<IpPrefix> allowedIps) {
    }

    public static String get(DeviceStatus device) {
        StringBuilder out = new StringBuilder();
        device.identity().ifPresent(identity -> line(out, "private_key", HEX.formatHex(identity.privateKey())));
        line(out, "listen_port", device.listenPort());
        for (PeerStatus peer : device.peers()) {
            line(out, "public_key", HEX.formatHex(peer.publicKey()));
            if (peer.presharedKey() != null) {
                line(out, "preshared_key", HEX.formatHex(peer.presharedKey()));
            }
            line(out, "protocol_version", 1);
            if (peer.endpoint() != null) {
                line(out, "endpoint", endpointText(peer.endpoint()));
            }
            line(out, "last_handshake_time_sec", peer.lastHandshake() == null ? 0 : peer.lastHandshake().getEpochSecond());
            line(out, "last_handshake_time_nsec", peer.lastHandshake() == null ? 0 : peer.lastHandshake().getNano());
            line(out, "tx_bytes", peer.txBytes());
            line(out, "rx_bytes", peer.rxBytes());
            line(out, "persistent_keepalive_interval", peer.persistentKeepalive().toSeconds());
            peer.allowedIps().forEach(prefix -> line(out, "allowed_ip", prefix));
        }
        return out.append("errno=0\n\n").toString();
    }

    /** The answer to a request that failed, with the (positive) errno that says why; {@code wg} prints its text. */
    public static String refused(int errno) {
        return "errno=-" + errno + "\n\n";
    }

    /** The answer to a request that was carried out. */
    public static String done() {
        return "errno=0\n\n";
    }

    /**
     * What a {@code set=1} asks for: the whole configuration after it, and the peers it gave an
     * endpoint (a roamed peer's current endpoint is replaced only by an endpoint given again).
     */
    public record Change(DeviceConfig config, Set<String> endpointsGiven) {

        public Change {
            endpointsGiven = Set.copyOf(endpointsGiven);
        }

        public boolean endpointGiven(byte[] publicKey) {
            return endpointsGiven.contains(HEX.formatHex(publicKey));
        }
    }

    /**
     * The configuration after the settings of one {@code set=1} request ({@code key=value} lines,
     * as {@code wg set} and {@code wg syncconf} send them), applied in their order to
     * {@code current}: all of the request or, when a line is wrong, nothing. An allowed IP given to
     * one peer is taken from any other that had it, as the kernel does. {@code fwmark} is taken only
     * as 0 (this device marks nothing).
     *
     * @throws IllegalArgumentException naming the line and what is wrong with it (never a key's value)
     */
    public static Change set(DeviceConfig current, List<String> settings) {
        Optional<Identity> identity = current.identity();
        int listenPort = current.listenPort();
        Map<String, DeviceConfig.PeerDraft> peers = new LinkedHashMap<>();
        current.peers().forEach(peer -> peers.put(HEX.formatHex(peer.publicKey()), new DeviceConfig.PeerDraft(peer)));
        DeviceConfig.PeerDraft peer = null;
        Set<String> endpointsGiven = new HashSet<>();
        for (int number = 1; number <= settings.size(); number++) {
            String line = settings.get(number - 1);
            int equals = line.indexOf('=');
            String key = equals < 0 ? line : line.substring(0, equals);
            String value = equals < 0 ? "" : line.substring(equals + 1);
            try {
                if (equals < 0) {
                    throw new IllegalArgumentException("expected key=value");
                }
                if (key.equals("public_key")) {
                    byte[] publicKey = hexKey(value, "public key");
                    peer = peers.computeIfAbsent(HEX.formatHex(publicKey), unused -> new DeviceConfig.PeerDraft(publicKey));
                    continue;
                }
                if (peer == null) {
                    switch (key) {
                        case "private_key" -> {
                            byte[] raw = hexKey(value, "private key");
                            identity = Arrays.equals(raw, new byte[raw.length]) ? Optional.empty()
                                    : Optional.of(Identity.fromRawPrivateKey(raw));
                        }
                        case "listen_port" -> listenPort = DeviceConfig.port(value);
                        case "fwmark" -> requireValue(value, "0", "this device sets no firewall mark: fwmark must be 0 (or unset)");
                        case "replace_peers" -> {
                            requireValue(value, "true", "replace_peers takes only true");
                            peers.clear();
                        }
                        default -> throw new IllegalArgumentException("'" + key + "' is not a device setting (known: private_key, "
                                + "listen_port, fwmark, replace_peers, then public_key for each peer)");
                    }
                    continue;
                }
                switch (key) {
                    case "update_only" -> {
                        requireValue(value, "true", "update_only takes only true");
                        if (peer.isNew) {
                            peers.remove(HEX.formatHex(peer.publicKey));
                            peer = new DeviceConfig.PeerDraft(peer.publicKey); // its settings go nowhere
                        }
                    }
                    case "remove" -> {
                        requireValue(value, "true", "remove takes only true");
                        peers.remove(HEX.formatHex(peer.publicKey));
                        peer = new DeviceConfig.PeerDraft(peer.publicKey);
                    }
                    case "preshared_key" -> {
                        byte[] raw = hexKey(value, "preshared key");
                        peer.presharedKey = Arrays.equals(raw, new byte[raw.length]) ? null : raw;
                    }
                    case "endpoint" -> {
                        peer.endpoint = DeviceConfig.endpoint(value);
                        endpointsGiven.add(HEX.formatHex(peer.publicKey));
                    }
                    case "persistent_keepalive_interval" -> peer.persistentKeepalive = Duration.ofSeconds(DeviceConfig.port(value));
                    case "replace_allowed_ips" -> {
                        requireValue(value, "true", "replace_allowed_ips takes only true");
                        peer.allowedIps.clear();
                    }
                    case "allowed_ip" -> {
                        IpPrefix prefix = IpPrefix.parse(value);
                        peers.values().forEach(other -> other.allowedIps.remove(prefix));
                        peer.allowedIps.add(prefix);
                    }
                    case "protocol_version" -> requireValue(value, "1", "only protocol version 1 exists");
                    default -> throw new IllegalArgumentException("'" + key + "' is not a peer setting (known: update_only, remove, "
                            + "preshared_key, endpoint, persistent_keepalive_interval, replace_allowed_ips, allowed_ip, protocol_version)");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("setting " + number + " (" + key + "): " + e.getMessage(), e);
            }
        }
        byte[] ownPublicKey = identity.map(Identity::publicKeyRaw).orElse(null);
        if (ownPublicKey != null && peers.containsKey(HEX.formatHex(ownPublicKey))) {
            throw new IllegalArgumentException("a peer has this device's own public key: give the device or the peer another key");
        }
        return new Change(new DeviceConfig(identity, listenPort, peers.values().stream().map(DeviceConfig.PeerDraft::build).toList()),
                endpointsGiven);
    }

    /** {@code 10.0.0.1:51820}, or {@code [fd00::1]:51820} for IPv6, as {@code wg} reads it. */
    private static String endpointText(InetSocketAddress endpoint) {
        String host = endpoint.getAddress().getHostAddress();
        return (endpoint.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + endpoint.getPort();
    }

    private static byte[] hexKey(String value, String what) {
        if (!value.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("a " + what + " is 64 hex digits here");
        }
        return HEX.parseHex(value);
    }

    private static void requireValue(String value, String only, String message) {
        if (!value.equals(only)) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void line(StringBuilder out, String key, Object value) {
        out.append(key).append('=').append(value).append('\n');
    }
}
