package io.corvus.wireguard;

import java.net.Inet4Address;
import java.nio.ByteBuffer;

/**
 * An IPv4 prefix of a peer's allowed IPs ({@code 10.99.0.0/24}): which inner addresses a peer may
 * send from, and which destinations go to it (cryptokey routing). IPv6 is not carried yet.
 */
public record Ipv4Prefix(int address, int length) {

    public Ipv4Prefix {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("an IPv4 prefix length is 0 to 32, not " + length);
        }
        address &= mask(length);
    }

    /** @throws IllegalArgumentException naming what is wrong with {@code text} (a.b.c.d/n, or an address alone for /32) */
    public static Ipv4Prefix parse(String text) {
        String[] parts = text.strip().split("/", -1);
        try {
            byte[] octets = Inet4Address.ofLiteral(parts[0]).getAddress();
            int length = parts.length == 1 ? 32 : parts.length == 2 && parts[1].matches("\\d{1,2}") ? Integer.parseInt(parts[1]) : -1;
            return new Ipv4Prefix(ByteBuffer.wrap(octets).getInt(), length);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 prefix like 10.99.0.0/24 (IPv6 is not carried yet)");
        }
    }

    public boolean contains(int candidate) {
        return (candidate & mask(length)) == address;
    }

    /** The destination address of an IPv4 packet, or the source: where cryptokey routing looks. */
    public static int destinationOf(byte[] packet) {
        return readInt(packet, 16);
    }

    public static int sourceOf(byte[] packet) {
        return readInt(packet, 12);
    }

    @Override
    public String toString() {
        return (address >>> 24) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "." + (address & 255) + "/" + length;
    }

    private static int readInt(byte[] packet, int at) {
        return ((packet[at] & 255) << 24) | ((packet[at + 1] & 255) << 16) | ((packet[at + 2] & 255) << 8) | (packet[at + 3] & 255);
    }

    private static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }
}
