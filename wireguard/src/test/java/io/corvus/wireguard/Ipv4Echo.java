package io.corvus.wireguard;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** ICMP echo packets over IPv4, as a kernel writes and reads them: what the interoperability test sends through the tunnel. */
public record Ipv4Echo(Inet4Address source, Inet4Address destination, boolean request, int identifier, int sequence, byte[] payload) {

    private static final int IP_HEADER = 20;
    private static final int ICMP_HEADER = 8;

    public byte[] toPacket() {
        int length = IP_HEADER + ICMP_HEADER + payload.length;
        ByteBuffer packet = ByteBuffer.allocate(length);
        packet.put((byte) 0x45).put((byte) 0).putShort((short) length).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 1).putShort((short) 0).put(source.getAddress()).put(destination.getAddress());
        packet.putShort(10, checksum(packet.array(), 0, IP_HEADER));
        packet.put((byte) (request ? 8 : 0)).put((byte) 0).putShort((short) 0).putShort((short) identifier).putShort((short) sequence)
                .put(payload);
        packet.putShort(IP_HEADER + 2, checksum(packet.array(), IP_HEADER, ICMP_HEADER + payload.length));
        return packet.array();
    }

    /** The echo in {@code data} (padding after the IP packet ignored); null if it is not an IPv4 ICMP echo. */
    public static Ipv4Echo parse(byte[] data) {
        if (data.length < IP_HEADER + ICMP_HEADER || data[0] != 0x45 || data[9] != 1) {
            return null;
        }
        ByteBuffer packet = ByteBuffer.wrap(data);
        int length = Short.toUnsignedInt(packet.getShort(2));
        int type = data[IP_HEADER];
        if (length > data.length || (type != 0 && type != 8)) {
            return null;
        }
        return new Ipv4Echo(address(data, 12), address(data, 16), type == 8, Short.toUnsignedInt(packet.getShort(IP_HEADER + 4)),
                Short.toUnsignedInt(packet.getShort(IP_HEADER + 6)), Arrays.copyOfRange(data, IP_HEADER + ICMP_HEADER, length));
    }

    /** The answer a host gives to this request. */
    public Ipv4Echo reply() {
        return new Ipv4Echo(destination, source, false, identifier, sequence, payload);
    }

    public static Inet4Address address(String dotted) {
        try {
            return (Inet4Address) InetAddress.getByName(dotted);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(dotted, e);
        }
    }

    private static Inet4Address address(byte[] data, int at) {
        try {
            return (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(data, at, at + 4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Internet checksum (RFC 1071). */
    private static short checksum(byte[] data, int offset, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int high = data[offset + i] & 0xff;
            int low = i + 1 < length ? data[offset + i + 1] & 0xff : 0;
            sum += (high << 8) | low;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (short) ~sum;
    }
}
