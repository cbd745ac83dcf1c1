package io.corvus.wireguard;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 prefix of a peer's allowed IPs ({@code 10.99.0.0/24}, {@code fd00:99::/64}):
 * which inner addresses a peer may send from, and which destinations go to it (cryptokey routing).
 * The address is held as 128 bits, {@code high} then {@code low}; an IPv4 address fills the top 32
 * bits of {@code high}. Host bits are cleared, as the kernel's WireGuard does.
 */
public record IpPrefix(boolean ipv6, long high, long low, int length) {

    public IpPrefix {
        int most = ipv6 ? 128 : 32;
        if (length < 0 || length > most) {
            throw new IllegalArgumentException("an " + (ipv6 ? "IPv6" : "IPv4") + " prefix length is 0 to " + most + ", not " + length);
        }
        high &= mask(length);
        low &= mask(length - 64);
    }

    /**
     * @throws IllegalArgumentException naming what is wrong with {@code text} (an address and /n, or an address
     *                                  alone for /32 or /128)
     */
    public static IpPrefix parse(String text) {
        String[] parts = text.strip().split("/", -1);
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(parts[0]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP prefix like 10.99.0.0/24 or fd00:99::/64");
        }
        boolean ipv6 = !(address instanceof Inet4Address);
        if (!ipv6 && parts[0].contains(":")) {
            throw new IllegalArgumentException("'" + text + "' is an IPv4-mapped IPv6 address: write it as IPv4 ("
                    + address.getHostAddress() + ")");
        }
        int length = parts.length == 1 ? (ipv6 ? 128 : 32)
                : parts.length == 2 && parts[1].matches("\\d{1,3}") ? Integer.parseInt(parts[1]) : -1;
        if (length < 0) {
            throw new IllegalArgumentException("'" + text + "' has no prefix length after its address (like /24)");
        }
        return of(address.getAddress(), 0, ipv6, length);
    }

    /** The destination address of an IPv4 or IPv6 packet, as a prefix of one address: where cryptokey routing looks. */
    public static IpPrefix destinationOf(Packet packet) {
        return addressIn(packet, 16, 24);
    }

    /** The source address of an IPv4 or IPv6 packet, as a prefix of one address. */
    public static IpPrefix sourceOf(Packet packet) {
        return addressIn(packet, 12, 8);
    }

    /**
     * The length an IP packet's header gives it (IPv4's total length, IPv6's payload length and
     * header), or -1 when {@code packet} does not begin with a whole IPv4 or IPv6 header.
     */
    public static int declaredLength(Packet packet) {
        return switch (version(packet)) {
            case 4 -> packet.length() < 20 ? -1 : packet.u16(2);
            case 6 -> packet.length() < 40 ? -1 : 40 + packet.u16(4);
            default -> -1;
        };
    }

    /** Whether {@code address} (a prefix of the same family) lies in this prefix. */
    public boolean contains(IpPrefix address) {
        return address.ipv6 == ipv6 && (address.high & mask(length)) == high && (address.low & mask(length - 64)) == low;
    }

    /** The network and length as the JDK writes the address ({@code fd00:99:0:0:0:0:0:0/64}; {@code wg} shows it shortened). */
    @Override
    public String toString() {
        byte[] bytes = ByteBuffer.allocate(16).putLong(high).putLong(low).array();
        try {
            return InetAddress.getByAddress(ipv6 ? bytes : Arrays.copyOf(bytes, 4)).getHostAddress() + "/" + length;
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("4 or 16 bytes are an address", impossible);
        }
    }

    private static IpPrefix addressIn(Packet packet, int ipv4At, int ipv6At) {
        return switch (version(packet)) {
            case 4 -> of(packet.bytes(), packet.offset() + ipv4At, false, 32);
            case 6 -> of(packet.bytes(), packet.offset() + ipv6At, true, 128);
            default -> throw new IllegalArgumentException("IP version " + version(packet) + " is neither 4 nor 6");
        };
    }

    private static int version(Packet packet) {
        return packet.length() == 0 ? 0 : packet.u8(0) >> 4;
    }

    private static IpPrefix of(byte[] bytes, int at, boolean ipv6, int length) {
        ByteBuffer view = ByteBuffer.wrap(bytes);
        if (!ipv6) {
            return new IpPrefix(false, (long) view.getInt(at) << 32, 0, length);
        }
        return new IpPrefix(true, view.getLong(at), view.getLong(at + 8), length);
    }

    /** The top {@code bits} bits of a long set (none for 0 or fewer, all for 64 or more). */
    private static long mask(int bits) {
        return bits <= 0 ? 0 : bits >= 64 ? -1L : -1L << (64 - bits);
    }
}
