package io.corvus.wireguard;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The text of WireGuard's cross-platform configuration protocol (the one {@code wg} speaks to
 * wireguard-go over {@code /var/run/wireguard/<device>.sock}): here the answer to {@code get=1},
 * so that {@code wg show} reads this device as it reads any other. Keys are hex; every answer
 * ends with {@code errno=0} and an empty line.
 */
public final class Uapi {

    private static final HexFormat HEX = HexFormat.of();

    private Uapi() {
    }

    /** What a device is and holds, for {@code get=1}. */
    public record DeviceStatus(Identity identity, int listenPort, List<PeerStatus> peers) {
    }

    /** One peer as {@code get=1} lists it; {@code lastHandshake} null before the first. */
    public record PeerStatus(byte[] publicKey, byte[] presharedKey, InetSocketAddress endpoint, Instant lastHandshake, long txBytes,
            long rxBytes, Duration persistentKeepalive, List<Ipv4Prefix> allowedIps) {
    }

    public static String get(DeviceStatus device) {
        StringBuilder out = new StringBuilder();
        line(out, "private_key", HEX.formatHex(device.identity().privateKey()));
        line(out, "listen_port", device.listenPort());
        for (PeerStatus peer : device.peers()) {
            line(out, "public_key", HEX.formatHex(peer.publicKey()));
            if (peer.presharedKey() != null) {
                line(out, "preshared_key", HEX.formatHex(peer.presharedKey()));
            }
            line(out, "protocol_version", 1);
            if (peer.endpoint() != null) {
                line(out, "endpoint", peer.endpoint().getAddress().getHostAddress() + ":" + peer.endpoint().getPort());
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

    /** The answer to a request this device does not take (set=1: it is configured from its file). */
    public static String refused(int errno) {
        return "errno=" + errno + "\n\n";
    }

    private static void line(StringBuilder out, String key, Object value) {
        out.append(key).append('=').append(value).append('\n');
    }
}
