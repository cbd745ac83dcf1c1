package io.corvus.wireguard;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * TCP over IPv4 and IPv6 in pieces as large as the kernel will hand over: the virtio-net header a
 * TUN device opened with {@code IFF_VNET_HDR} puts before each packet, the segments it hands over
 * whole (TSO), cut here into packets of the segment size, and the reverse, consecutive packets of
 * one TCP flow joined into one segment for the kernel to take in one write (GRO). Each packet's
 * lengths, sequence number, IPv4 identification and checksums are set as the kernel would set them.
 * IPv6 segments with hop-by-hop or destination options are cut too; only packets without
 * extension headers are joined. Plain Java: it reads a TUN read where it lies and writes a frame
 * into the memory it is given; the TUN adapter makes the system calls.
 */
public final class Offload {

    /** The virtio-net header's length (no {@code num_buffers}), before every packet read or written. */
    public static final int HEADER_LENGTH = 10;
    static final int NEEDS_CHECKSUM = 1;
    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_TCPV6 = 4;
    private static final int PROTOCOL_TCP = 6;
    private static final int HOP_BY_HOP_OPTIONS = 0;
    private static final int DESTINATION_OPTIONS = 60;
    private static final int FIN = 0x01;
    private static final int PSH = 0x08;
    private static final int CWR = 0x80;
    /** What a joined segment may reach: an IPv4 packet's length field (IPv6 keeps to it too). */
    private static final int MAX_SEGMENT = 65535;
    /** The most a frame {@link #join} makes can hold: the header and a segment of the largest length. */
    public static final int MAX_FRAME = HEADER_LENGTH + MAX_SEGMENT;
    /** Where a segment to cut must have ended its IP and TCP headers (IPv6 options included). */
    private static final int MAX_HEADERS = 1024;
    private static final ValueLayout.OfShort U16LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Offload() {
    }

    /**
     * The IP packets in what one read of the TUN device returned, read where the read left them:
     * the packet after the header, its checksum completed when the kernel left that to us, or the
     * packets a TCP segment is cut into. Each lies where {@code space} gives it, with room around
     * it, the only copy made of its bytes.
     *
     * @throws IllegalArgumentException when the header or the packet is not what the kernel writes
     */
    public static List<Packet> packets(MemorySegment frame, int length, Packet.Space space) {
        if (length < HEADER_LENGTH + 20) {
            throw new IllegalArgumentException("a read of " + length + " bytes holds no IP packet after its header");
        }
        int flags = frame.get(JAVA_BYTE, 0) & 255;
        int gsoType = frame.get(JAVA_BYTE, 1) & 0x7f; // without the ECN bit
        int gsoSize = frame.get(U16LE, 4) & 0xffff;
        int checksumStart = frame.get(U16LE, 6) & 0xffff;
        int checksumOffset = frame.get(U16LE, 8) & 0xffff;
        if (gsoType == GSO_NONE) {
            Packet packet = space.allocate(length - HEADER_LENGTH);
            MemorySegment.copy(frame, JAVA_BYTE, HEADER_LENGTH, packet.bytes(), packet.offset(), packet.length());
            if ((flags & NEEDS_CHECKSUM) != 0) {
                completeChecksum(packet, checksumStart, checksumOffset);
            }
            return List.of(packet);
        }
        if ((gsoType != GSO_TCPV4 && gsoType != GSO_TCPV6) || gsoSize == 0) {
            throw new IllegalArgumentException("segmentation type " + gsoType + " (size " + gsoSize + ") was not asked for");
        }
        return cut(frame.asSlice(HEADER_LENGTH, length - HEADER_LENGTH), gsoSize, gsoType == GSO_TCPV6, space);
    }

    /**
     * Cuts one TCP segment over IPv4 or IPv6 into packets of at most {@code segmentSize} bytes of
     * payload each, each where {@code space} gives it.
     */
    static List<Packet> cut(MemorySegment segment, int segmentSize, boolean ipv6, Packet.Space space) {
        int length = (int) segment.byteSize();
        byte[] head = segment.asSlice(0, Math.min(length, MAX_HEADERS)).toArray(JAVA_BYTE); // parsed here, copied into each packet
        int ipLength = tcpHeaderAt(Packet.of(head), ipv6);
        int tcpLength = ipLength < 0 || ipLength + 20 > head.length ? 0 : ((head[ipLength + 12] & 255) >> 4) * 4;
        int headers = ipLength + tcpLength;
        if (tcpLength < 20 || headers > head.length) {
            throw new IllegalArgumentException("a segment to cut is TCP over IPv" + (ipv6 ? 6 : 4) + " with whole headers (within its first "
                    + MAX_HEADERS + " bytes)");
        }
        int identification = ipv6 ? 0 : u16(head, 4);
        long sequence = u32(head, ipLength + 4);
        int tcpFlags = head[ipLength + 13] & 255;
        List<Packet> packets = new ArrayList<>();
        for (int at = headers, index = 0; at < length; at += segmentSize, index++) {
            int payload = Math.min(segmentSize, length - at);
            Packet packet = space.allocate(headers + payload);
            byte[] into = packet.bytes();
            int start = packet.offset();
            System.arraycopy(head, 0, into, start, headers);
            MemorySegment.copy(segment, JAVA_BYTE, at, into, start + headers, payload);
            boolean last = at + payload == length;
            int flags = tcpFlags & (last ? 0xff : ~(FIN | PSH)) & (index == 0 ? 0xff : ~CWR);
            into[start + ipLength + 13] = (byte) flags;
            put32(into, start + ipLength + 4, sequence + (long) index * segmentSize);
            finish(packet, ipLength, identification + index, ipv6);
            packets.add(packet);
        }
        return packets;
    }

    /**
     * Consecutive packets of one TCP flow as few segments as may be: each run of packets with the
     * same headers but for the sequence number, each taking up where the one before ended, with
     * equal payloads but the last, becomes one segment with a header asking the kernel to cut it
     * again where needed; any other packet goes as it is. Returns the frames in the packets' order.
     */
    public static List<Frame> join(List<Packet> packets) {
        List<Frame> frames = new ArrayList<>();
        int start = 0;
        while (start < packets.size()) {
            int end = start + 1;
            while (end < packets.size() && follows(packets.get(start), packets.get(end - 1), packets.get(end), end - start)) {
                end++;
            }
            frames.add(end - start == 1 ? plain(packets.get(start)) : joined(packets.subList(start, end)));
            start = end;
        }
        return frames;
    }

    /**
     * One write to the TUN device, not yet copied anywhere: {@code head} (the virtio-net header,
     * then for a joined segment its IP and TCP headers as they are to be written), then each packet's
     * bytes after its first {@code skip} (its own headers, when the head holds them already).
     */
    public record Frame(byte[] head, List<Packet> packets, int skip) {

        public Frame {
            packets = List.copyOf(packets);
        }

        /**
         * Writes the frame at the start of {@code into} and returns its length: at most the header
         * and 65,535 bytes, {@link #MAX_FRAME}, which {@code into} must hold.
         */
        public int copyTo(MemorySegment into) {
            MemorySegment.copy(head, 0, into, JAVA_BYTE, 0, head.length);
            long at = head.length;
            for (Packet packet : packets) {
                MemorySegment.copy(packet.bytes(), packet.offset() + skip, into, JAVA_BYTE, at, packet.length() - skip);
                at += packet.length() - skip;
            }
            return (int) at;
        }
    }

    /** Whether {@code next} continues the run that {@code first} opened and {@code previous} ends. */
    private static boolean follows(Packet first, Packet previous, Packet next, int runLength) {
        if (!isPlainTcp(first) || !isPlainTcp(next)) {
            return false;
        }
        int headers = headersLength(first);
        if (headersLength(next) != headers || payload(next) == 0 || payload(first) == 0) {
            return false;
        }
        int segmentSize = payload(first);
        if (payload(previous) != segmentSize || payload(next) > segmentSize
                || (long) first.length() + (long) runLength * segmentSize + payload(next) - segmentSize > MAX_SEGMENT) {
            return false; // only the last may be shorter
        }
        int ipLength = ipHeaderLength(first);
        if ((first.u8(ipLength + 13) & (FIN | PSH)) != 0 || (previous.u8(ipLength + 13) & (FIN | PSH)) != 0) {
            return false; // a segment ends at these
        }
        if (u32(next, ipLength + 4) != ((u32(previous, ipLength + 4) + payload(previous)) & 0xffffffffL)) {
            return false;
        }
        if (!isIpv6(first) && next.u16(4) != ((first.u16(4) + runLength) & 0xffff)) {
            return false; // the kernel numbers the packets it cuts one after another: other ids would not come back as they were
        }
        // the same IP header but for length (and IPv4's id and checksum); the same TCP header but for sequence, checksum and PSH on the last
        boolean sameIp = isIpv6(first) ? sameBytes(first, next, 0, 4) && sameBytes(first, next, 6, ipLength)
                : sameBytes(first, next, 0, 2) && sameBytes(first, next, 6, 7) && sameBytes(first, next, 8, 10)
                        && sameBytes(first, next, 12, ipLength);
        return sameIp && sameBytes(first, next, ipLength, ipLength + 4)
                && sameBytes(first, next, ipLength + 8, ipLength + 13) && sameBytes(first, next, ipLength + 14, ipLength + 16)
                && sameBytes(first, next, ipLength + 18, headers) && (first.u8(ipLength + 13) & ~PSH) == (next.u8(ipLength + 13) & ~PSH);
    }

    /** TCP with whole headers, its length the one its IP header gives; IPv4 not a fragment, IPv6 without extension headers. */
    private static boolean isPlainTcp(Packet packet) {
        boolean ipv6 = isIpv6(packet);
        int tcpAt = tcpHeaderAt(packet, ipv6);
        if (tcpAt < 0 || (ipv6 && tcpAt != 40) || tcpAt + 20 > packet.length() || headersLength(packet) > packet.length()) {
            return false;
        }
        return ipv6 ? 40 + packet.u16(4) == packet.length() : (packet.u16(6) & 0x3fff) == 0 && packet.u16(2) == packet.length();
    }

    private static boolean isIpv6(Packet packet) {
        return packet.length() > 0 && (packet.u8(0) & 0xf0) == 0x60;
    }

    /**
     * Where the TCP header of a packet of this version starts, or -1 when it is not one. An IPv6
     * packet's hop-by-hop and destination options are passed over; one with a routing header is
     * refused (its pseudo-header would need the final destination).
     */
    private static int tcpHeaderAt(Packet packet, boolean ipv6) {
        int length = packet.length();
        if (ipv6) {
            if (length < 40 || !isIpv6(packet)) {
                return -1;
            }
            int next = packet.u8(6);
            int tcpAt = 40;
            while ((next == HOP_BY_HOP_OPTIONS || next == DESTINATION_OPTIONS) && tcpAt + 8 <= length) {
                next = packet.u8(tcpAt);
                tcpAt += (packet.u8(tcpAt + 1) + 1) * 8;
            }
            return next == PROTOCOL_TCP && tcpAt <= length ? tcpAt : -1;
        }
        int ipLength = length < 20 ? 0 : ipHeaderLength(packet);
        return length >= 20 && (packet.u8(0) & 0xf0) == 0x40 && ipLength >= 20 && packet.u8(9) == PROTOCOL_TCP ? ipLength : -1;
    }

    private static Frame joined(List<Packet> run) {
        Packet first = run.getFirst();
        int headers = headersLength(first);
        int ipLength = ipHeaderLength(first);
        int total = headers;
        for (Packet packet : run) {
            total += payload(packet);
        }
        byte[] head = new byte[HEADER_LENGTH + headers];
        System.arraycopy(first.bytes(), first.offset(), head, HEADER_LENGTH, headers);
        int flags = first.u8(ipLength + 13) | run.getLast().u8(ipLength + 13) & PSH;
        head[HEADER_LENGTH + ipLength + 13] = (byte) flags;
        // the IP header complete; the TCP checksum holds the pseudo-header's sum, for the kernel to complete per packet
        boolean ipv6 = isIpv6(first);
        if (ipv6) {
            put16(head, HEADER_LENGTH + 4, total - ipLength);
        } else {
            put16(head, HEADER_LENGTH + 2, total);
            put16(head, HEADER_LENGTH + 10, 0);
            put16(head, HEADER_LENGTH + 10, ~sum(head, HEADER_LENGTH, ipLength, 0) & 0xffff);
        }
        put16(head, HEADER_LENGTH + ipLength + 16, fold(pseudoHeaderSum(head, HEADER_LENGTH, total - ipLength)));
        head[0] = NEEDS_CHECKSUM;
        head[1] = (byte) (ipv6 ? GSO_TCPV6 : GSO_TCPV4);
        put16le(head, 2, headers);
        put16le(head, 4, payload(first));
        put16le(head, 6, ipLength);
        put16le(head, 8, 16);
        return new Frame(head, run, headers);
    }

    private static Frame plain(Packet packet) {
        return new Frame(new byte[HEADER_LENGTH], List.of(packet), 0);
    }

    /** A checksum the kernel left partial (the pseudo-header's sum in place) made whole over the bytes from {@code start}. */
    static void completeChecksum(Packet packet, int start, int offset) {
        if (start + offset + 2 > packet.length()) {
            throw new IllegalArgumentException("a checksum at " + (start + offset) + " beyond a packet of " + packet.length() + " bytes");
        }
        byte[] bytes = packet.bytes();
        int at = packet.offset() + start;
        int partial = u16(bytes, at + offset);
        put16(bytes, at + offset, 0);
        put16(bytes, at + offset, ~fold(sum(bytes, at, packet.length() - start, partial)) & 0xffff);
    }

    /** Lengths, IPv4's identification and checksum, and the TCP checksum of a packet cut from a segment. */
    private static void finish(Packet packet, int ipLength, int identification, boolean ipv6) {
        byte[] bytes = packet.bytes();
        int ip = packet.offset();
        int tcp = ip + ipLength;
        if (ipv6) {
            put16(bytes, ip + 4, packet.length() - 40); // extension headers count as payload
        } else {
            put16(bytes, ip + 2, packet.length());
            put16(bytes, ip + 4, identification);
            put16(bytes, ip + 10, 0);
            put16(bytes, ip + 10, ~sum(bytes, ip, ipLength, 0) & 0xffff);
        }
        int tcpLength = packet.length() - ipLength;
        put16(bytes, tcp + 16, 0);
        put16(bytes, tcp + 16, ~fold(sum(bytes, tcp, tcpLength, pseudoHeaderSum(bytes, ip, tcpLength))) & 0xffff);
    }

    /**
     * The sum of the source and destination addresses, the protocol and the TCP length: the
     * pseudo-header of RFC 793, or of RFC 8200 for IPv6 (its 32-bit length is below 2^16 here).
     */
    private static int pseudoHeaderSum(byte[] bytes, int ipAt, int tcpLength) {
        boolean ipv6 = (bytes[ipAt] & 0xf0) == 0x60;
        return ipv6 ? sum(bytes, ipAt + 8, 32, PROTOCOL_TCP + tcpLength) : sum(bytes, ipAt + 12, 8, PROTOCOL_TCP + tcpLength);
    }

    /**
     * The ones' complement sum of the 16-bit words, folded to 16 bits. Eight bytes at a time: the
     * sum of 32-bit words folds to the sum of their 16-bit halves (2^16 is 1 modulo 2^16 - 1), and
     * checksumming every packet of every segment is as much work as its encryption otherwise.
     */
    static int sum(byte[] bytes, int offset, int length, int initial) {
        long total = initial & 0xffffffffL;
        int end = offset + length;
        int i = offset;
        ByteBuffer view = ByteBuffer.wrap(bytes); // big-endian, as the words are
        for (; i + 8 <= end; i += 8) {
            long words = view.getLong(i);
            total += (words >>> 32) + (words & 0xffffffffL); // below 2^46 for 64 KB: no overflow
        }
        for (; i + 1 < end; i += 2) {
            total += ((bytes[i] & 255) << 8) | (bytes[i + 1] & 255);
        }
        if (i < end) {
            total += (bytes[i] & 255) << 8;
        }
        while ((total >>> 16) != 0) {
            total = (total & 0xffff) + (total >>> 16);
        }
        return (int) total;
    }

    private static int fold(int sum) {
        long total = sum & 0xffffffffL;
        while ((total >>> 16) != 0) {
            total = (total & 0xffff) + (total >>> 16);
        }
        return (int) total;
    }

    private static boolean sameBytes(Packet a, Packet b, int from, int to) {
        return Arrays.equals(a.bytes(), a.offset() + from, a.offset() + to, b.bytes(), b.offset() + from, b.offset() + to);
    }

    private static int ipHeaderLength(Packet packet) {
        return isIpv6(packet) ? 40 : (packet.u8(0) & 0x0f) * 4;
    }

    private static int headersLength(Packet packet) {
        int ipLength = ipHeaderLength(packet);
        return ipLength + (packet.u8(ipLength + 12) >> 4) * 4;
    }

    private static int payload(Packet packet) {
        return packet.length() - headersLength(packet);
    }

    private static int u16(byte[] bytes, int at) {
        return ((bytes[at] & 255) << 8) | (bytes[at + 1] & 255);
    }

    private static long u32(byte[] bytes, int at) {
        return ((long) u16(bytes, at) << 16) | u16(bytes, at + 2);
    }

    private static long u32(Packet packet, int at) {
        return ((long) packet.u16(at) << 16) | packet.u16(at + 2);
    }

    private static void put16(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 8);
        bytes[at + 1] = (byte) value;
    }

    private static void put16le(byte[] bytes, int at, int value) {
        bytes[at] = (byte) value;
        bytes[at + 1] = (byte) (value >>> 8);
    }

    private static void put32(byte[] bytes, int at, long value) {
        put16(bytes, at, (int) (value >>> 16));
        put16(bytes, at + 2, (int) value);
    }
}
