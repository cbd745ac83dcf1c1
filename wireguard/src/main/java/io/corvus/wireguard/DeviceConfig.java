package io.corvus.wireguard;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A device's keys and peers, in the {@code wg setconf} file format ({@code [Interface]} with
 * PrivateKey and ListenPort; a {@code [Peer]} each with PublicKey, PresharedKey, AllowedIPs,
 * Endpoint and PersistentKeepalive). Other keys are refused, not ignored: a setting this implementation does not honour
 * must not look applied.
 */
public record DeviceConfig(Optional<Identity> identity, int listenPort, List<Peer> peers) {

    /** A device before anyone configured it: no key (it neither starts nor answers handshakes), any port, no peers. */
    public static final DeviceConfig UNCONFIGURED = new DeviceConfig(Optional.empty(), 0, List.of());

    /**
     * One peer: its static key, the cluster's preshared key (or none), what it routes, where it was
     * last seen, and how often to send a keepalive when silent (zero: never).
     */
    public record Peer(byte[] publicKey, byte[] presharedKey, List<IpPrefix> allowedIps, Optional<InetSocketAddress> endpoint,
            Duration persistentKeepalive) {

        public Peer {
            allowedIps = List.copyOf(allowedIps);
        }

        public boolean routes(IpPrefix address) {
            return allowedIps.stream().anyMatch(prefix -> prefix.contains(address));
        }
    }

    public DeviceConfig {
        peers = List.copyOf(peers);
    }

    /** @throws IllegalArgumentException naming the line and what is wrong with it */
    public static DeviceConfig parse(String text) {
        Identity identity = null;
        int listenPort = 0;
        List<Peer> peers = new ArrayList<>();
        PeerDraft peer = null;
        String section = null;
        List<String> lines = text.lines().toList();
        for (int number = 1; number <= lines.size(); number++) {
            String line = lines.get(number - 1).replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                if (line.equals("[Interface]") || line.equals("[Peer]")) {
                    section = line;
                    if (peer != null) {
                        peers.add(peer.build());
                    }
                    peer = line.equals("[Peer]") ? new PeerDraft((byte[]) null) : null;
                    continue;
                }
                int equals = line.indexOf('=');
                if (equals < 0 || section == null) {
                    throw new IllegalArgumentException("expected [Interface], [Peer] or Key = Value under one of them");
                }
                String key = line.substring(0, equals).strip();
                String value = line.substring(equals + 1).strip();
                switch (section + key) {
                    case "[Interface]PrivateKey" -> identity = Identity.fromPrivateKey(value);
                    case "[Interface]ListenPort" -> listenPort = port(value);
                    case "[Peer]PublicKey" -> peer.publicKey = Identity.decodeKey(value, "public key");
                    case "[Peer]PresharedKey" -> peer.presharedKey = Identity.decodeKey(value, "preshared key");
                    case "[Peer]AllowedIPs" -> Arrays.stream(value.split(",")).map(IpPrefix::parse).forEach(peer.allowedIps::add);
                    case "[Peer]Endpoint" -> peer.endpoint = endpoint(value);
                    case "[Peer]PersistentKeepalive" -> peer.persistentKeepalive = Duration.ofSeconds(value.equals("off") ? 0 : port(value));
                    default -> throw new IllegalArgumentException(key + " is not a setting of " + section + " here (known: PrivateKey, "
                            + "ListenPort; PublicKey, PresharedKey, AllowedIPs, Endpoint, PersistentKeepalive)");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + number + ": " + e.getMessage(), e);
            }
        }
        if (peer != null) {
            peers.add(peer.build());
        }
        if (identity == null) {
            throw new IllegalArgumentException("no [Interface] PrivateKey: the device needs its key (wg genkey makes one)");
        }
        return new DeviceConfig(Optional.of(identity), listenPort, peers);
    }

    /** The peer whose allowed IPs hold {@code address} (the longest prefix wins), if any. */
    public Optional<Peer> routeTo(IpPrefix address) {
        Peer best = null;
        int bestLength = -1;
        for (Peer peer : peers) {
            for (IpPrefix prefix : peer.allowedIps()) {
                if (prefix.contains(address) && prefix.length() > bestLength) {
                    best = peer;
                    bestLength = prefix.length();
                }
            }
        }
        return Optional.ofNullable(best);
    }

    static int port(String value) {
        if (!value.matches("\\d{1,5}") || Integer.parseInt(value) > 65535) {
            throw new IllegalArgumentException("a port is 0 to 65535, not '" + value + "'");
        }
        return Integer.parseInt(value);
    }

    static Optional<InetSocketAddress> endpoint(String value) {
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("an endpoint is address:port, not '" + value + "'");
        }
        String host = value.substring(0, colon);
        boolean bracketed = host.length() > 2 && host.startsWith("[") && host.endsWith("]");
        try {
            InetAddress address = bracketed ? Inet6Address.ofLiteral(host.substring(1, host.length() - 1)) : Inet4Address.ofLiteral(host);
            return Optional.of(new InetSocketAddress(address, port(value.substring(colon + 1))));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("an endpoint is an IPv4 address and a port (10.0.0.1:51820) or an IPv6 address in "
                    + "brackets and a port ([fd00::1]:51820), not '" + value + "'");
        }
    }

    /** One peer while a file or a {@code set=1} request describes it. */
    static final class PeerDraft {
        byte[] publicKey;
        /** Whether the request at hand made it (a {@code set=1} with {@code update_only} leaves such a peer out). */
        final boolean isNew;
        byte[] presharedKey;
        final List<IpPrefix> allowedIps = new ArrayList<>();
        Optional<InetSocketAddress> endpoint = Optional.empty();
        Duration persistentKeepalive = Duration.ZERO;

        /** A peer the file or the request brings. */
        PeerDraft(byte[] publicKey) {
            this(publicKey, true);
        }

        /** A peer the device has. */
        PeerDraft(Peer peer) {
            this(peer.publicKey(), false);
            this.presharedKey = peer.presharedKey();
            this.allowedIps.addAll(peer.allowedIps());
            this.endpoint = peer.endpoint();
            this.persistentKeepalive = peer.persistentKeepalive();
        }

        private PeerDraft(byte[] publicKey, boolean isNew) {
            this.publicKey = publicKey;
            this.isNew = isNew;
        }

        Peer build() {
            if (publicKey == null) {
                throw new IllegalArgumentException("a [Peer] without PublicKey");
            }
            return new Peer(publicKey, presharedKey, allowedIps, endpoint, persistentKeepalive);
        }
    }
}
