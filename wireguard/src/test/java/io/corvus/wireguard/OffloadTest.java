package io.corvus.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class OffloadTest {

    private static final int SEGMENT_SIZE = 1380;

    /** A TCP segment over IPv4 as the kernel hands one over (TSO): 20 bytes of IP, 32 of TCP with timestamps, checksums partial. */
    private static byte[] segment(int payloadLength, long sequence, int flags, int sourcePort, long seed) {
        byte[] packet = new byte[52 + payloadLength];
        packet[0] = 0x45;
        put16(packet, 2, packet.length);
        put16(packet, 4, 0x1234);
        packet[6] = 0x40; // don't fragment
        packet[8] = 64;
        packet[9] = 6;
        System.arraycopy(new byte[] {10, 99, 0, 1, 10, 99, 0, 2}, 0, packet, 12, 8);
        put16(packet, 20, sourcePort);
        put16(packet, 22, 5201);
        put16(packet, 24, (int) (sequence >>> 16));
        put16(packet, 26, (int) sequence);
        put16(packet, 28, 0x0abc);
        packet[32] = (byte) 0x80; // 32 bytes of TCP header
        packet[33] = (byte) flags;
        put16(packet, 34, 502);
        System.arraycopy(new byte[] {1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9}, 0, packet, 40, 12); // NOP NOP timestamps
        byte[] payload = new byte[payloadLength];
        new Random(seed).nextBytes(payload);
        System.arraycopy(payload, 0, packet, 52, payloadLength);
        return packet;
    }

    /** The same segment over IPv6 (fd00:98::1 to fd00:98::2, no extension headers). */
    private static byte[] segment6(int payloadLength, long sequence, int flags, int sourcePort, long seed) {
        byte[] four = segment(payloadLength, sequence, flags, sourcePort, seed);
        byte[] packet = new byte[40 + four.length - 20];
        packet[0] = 0x60;
        packet[1] = 0x01; // a traffic class and flow label that the packets of one flow share
        packet[3] = 0x23;
        put16(packet, 4, packet.length - 40);
        packet[6] = 6;
        packet[7] = 64;
        packet[8] = (byte) 0xfd;
        packet[10] = (byte) 0x98;
        packet[23] = 1;
        packet[24] = (byte) 0xfd;
        packet[26] = (byte) 0x98;
        packet[39] = 2;
        System.arraycopy(four, 20, packet, 40, four.length - 20);
        return packet;
    }

    private static boolean checksumsHold(byte[] packet) {
        if ((packet[0] & 0xf0) == 0x60) {
            int tcpLength = packet.length - 40;
            return Offload.sum(packet, 40, tcpLength, Offload.sum(packet, 8, 32, 6 + tcpLength)) == 0xffff;
        }
        int tcpLength = packet.length - 20;
        int pseudo = Offload.sum(packet, 12, 8, 6 + tcpLength);
        return Offload.sum(packet, 0, 20, 0) == 0xffff && Offload.sum(packet, 20, tcpLength, pseudo) == 0xffff;
    }

    private static byte[] frame(byte[] packet, int gsoType, int gsoSize) {
        byte[] frame = new byte[Offload.HEADER_LENGTH + packet.length];
        frame[0] = (byte) Offload.NEEDS_CHECKSUM;
        frame[1] = (byte) gsoType;
        frame[4] = (byte) gsoSize;
        frame[5] = (byte) (gsoSize >>> 8);
        frame[6] = (byte) ((packet[0] & 0xf0) == 0x60 ? 40 : 20); // checksum from the TCP header on...
        frame[8] = 16; // ...into its checksum field
        System.arraycopy(packet, 0, frame, Offload.HEADER_LENGTH, packet.length);
        return frame;
    }

    @Test
    void aSegmentTheKernelHandedOverIsCutIntoPacketsWithTheirOwnSequenceIdsFlagsAndChecksums() {
        byte[] segment = segment(5000, 0xfffff000L, 0x18 | 0x80, 40000, 1); // PSH, ACK, CWR; the sequence wraps
        List<byte[]> packets = cutAsTheKernelHandsItOver(segment, Offload.GSO_TCPV4, 20);

        for (int i = 0; i < packets.size(); i++) {
            assertThat(u16(packets.get(i), 4)).as("identification").isEqualTo(0x1234 + i);
        }
    }

    /**
     * A 5,000-byte segment handed over with {@code gsoType}, cut: four packets with valid checksums, the
     * sequence numbers counting on, PSH on the last and CWR on the first only, and the payload whole.
     */
    private static List<byte[]> cutAsTheKernelHandsItOver(byte[] segment, int gsoType, int ipLength) {
        List<byte[]> packets = packets(frame(segment, gsoType, SEGMENT_SIZE), Offload.HEADER_LENGTH + segment.length);
        int headers = ipLength + 32;
        assertThat(packets).extracting(p -> p.length).containsExactly(headers + 1380, headers + 1380, headers + 1380, headers + 860);
        ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        for (int i = 0; i < packets.size(); i++) {
            byte[] packet = packets.get(i);
            assertThat(checksumsHold(packet)).as("packet %d's checksums", i).isTrue();
            assertThat(u32(packet, ipLength + 4)).isEqualTo((0xfffff000L + 1380L * i) & 0xffffffffL);
            assertThat(packet[ipLength + 13] & 0x08).as("PSH on the last only").isEqualTo(i == 3 ? 0x08 : 0);
            assertThat(packet[ipLength + 13] & 0x80).as("CWR on the first only").isEqualTo(i == 0 ? 0x80 : 0);
            payloads.write(packet, headers, packet.length - headers);
        }
        assertThat(payloads.toByteArray()).isEqualTo(Arrays.copyOfRange(segment, headers, segment.length));
        return packets;
    }

    @Test
    void aPacketWithAPartialChecksumGetsItsWholeChecksum() {
        byte[] packet = segment(100, 7, 0x10, 40000, 2);
        put16(packet, 36, Offload.sum(packet, 12, 8, 6 + packet.length - 20)); // the kernel leaves the pseudo-header's sum there
        List<byte[]> packets = packets(frame(packet, Offload.GSO_NONE, 0), Offload.HEADER_LENGTH + packet.length);

        assertThat(packets).singleElement().satisfies(p -> assertThat(Offload.sum(p, 20, p.length - 20,
                Offload.sum(p, 12, 8, 6 + p.length - 20))).isEqualTo(0xffff));
    }

    @Test
    void consecutivePacketsOfOneFlowAreJoinedIntoOneSegmentForTheKernelToCut() {
        byte[] segment = segment(5000, 1000, 0x18, 40000, 3);
        List<byte[]> packets = cut(segment, SEGMENT_SIZE);

        List<byte[]> frames = join(packets);

        assertThat(frames).hasSize(1);
        byte[] frame = frames.getFirst();
        assertThat(frame[1]).as("TCP over IPv4 to cut").isEqualTo((byte) Offload.GSO_TCPV4);
        assertThat((frame[4] & 255) | (frame[5] & 255) << 8).as("segment size").isEqualTo(SEGMENT_SIZE);
        byte[] joined = Arrays.copyOfRange(frame, Offload.HEADER_LENGTH, frame.length);
        assertThat(Arrays.copyOfRange(joined, 52, joined.length)).isEqualTo(Arrays.copyOfRange(segment, 52, segment.length));
        assertThat(Offload.sum(joined, 0, 20, 0)).as("IP checksum").isEqualTo(0xffff);
        assertThat(joined[33] & 0x08).as("the last packet's PSH").isEqualTo(0x08);
        // cut again, as the kernel will, it gives the packets back
        List<byte[]> again = packets(frame, frame.length);
        assertThat(again).hasSameSizeAs(packets);
        for (int i = 0; i < packets.size(); i++) {
            assertThat(again.get(i)).isEqualTo(packets.get(i));
        }
    }

    @Test
    void packetsOfOtherFlowsGapsAndLoneOnesAreWrittenAsTheyAre() {
        List<byte[]> first = cut(segment(2760, 1000, 0x10, 40000, 4), SEGMENT_SIZE);
        List<byte[]> other = cut(segment(2760, 1000, 0x10, 40001, 5), SEGMENT_SIZE);
        List<byte[]> mixed = List.of(first.get(0), other.get(0), first.get(1), other.get(1));

        assertThat(join(mixed)).hasSize(4).allSatisfy(frame -> assertThat(frame[1]).isZero());
        List<byte[]> gap = List.of(first.get(0), cut(segment(2760, 5000, 0x10, 40000, 6), SEGMENT_SIZE).get(1));
        assertThat(join(gap)).hasSize(2);
        byte[] sameId = first.get(1).clone();
        put16(sameId, 4, u16(first.get(0), 4));
        assertThat(join(List.of(first.get(0), sameId))).as("cut again, the second would get the next id").hasSize(2);
        byte[] udp = segment(100, 1, 0x10, 40000, 7);
        udp[9] = 17;
        assertThat(join(List.of(udp))).singleElement().satisfies(frame -> assertThat(frame).hasSize(udp.length + 10));
    }

    @Test
    void aSegmentOverIpv6IsCutIntoPacketsWithTheirOwnPayloadLengthsSequencesAndChecksums() {
        byte[] segment = segment6(5000, 0xfffff000L, 0x18 | 0x80, 40000, 11);
        List<byte[]> packets = cutAsTheKernelHandsItOver(segment, Offload.GSO_TCPV6, 40);

        assertThat(packets).allSatisfy(packet -> {
            assertThat(u16(packet, 4)).as("payload length").isEqualTo(packet.length - 40);
            assertThat(Arrays.copyOfRange(packet, 0, 4)).as("class and flow label kept").isEqualTo(Arrays.copyOfRange(segment, 0, 4));
        });
        byte[] joined = join(cut(segment6(5000, 1000, 0x18, 40000, 11), SEGMENT_SIZE)).getFirst(); // without CWR, which ends a run
        assertThat(joined[1]).as("TCP over IPv6 to cut").isEqualTo((byte) Offload.GSO_TCPV6);
        assertThat(joined[6]).as("the TCP header's start").isEqualTo((byte) 40);
        assertThat(Arrays.copyOfRange(joined, Offload.HEADER_LENGTH + 4, Offload.HEADER_LENGTH + 6))
                .as("the whole segment's payload length").isEqualTo(Arrays.copyOfRange(segment, 4, 6));
    }

    @Test
    void anIpv6SegmentWithHopByHopOptionsIsCutWithThemAndOneWithARoutingHeaderOrOfTheOtherFamilyIsRefused() {
        byte[] plain = segment6(3000, 1, 0x10, 40000, 12);
        byte[] hopByHop = new byte[plain.length + 8];
        System.arraycopy(plain, 0, hopByHop, 0, 40);
        hopByHop[6] = 0; // hop-by-hop options: 8 bytes, then TCP
        hopByHop[40] = 6;
        hopByHop[42] = 1; // a PadN option filling the rest
        hopByHop[43] = 4;
        put16(hopByHop, 4, hopByHop.length - 40);
        System.arraycopy(plain, 40, hopByHop, 48, plain.length - 40);
        byte[] withOptionsFrame = frame(hopByHop, Offload.GSO_TCPV6, SEGMENT_SIZE);
        withOptionsFrame[6] = 48; // the TCP header's start, as the kernel says it

        List<byte[]> packets = packets(withOptionsFrame, withOptionsFrame.length);
        assertThat(packets).hasSize(3).allSatisfy(packet -> {
            assertThat(u16(packet, 4)).as("payload length, options included").isEqualTo(packet.length - 40);
            assertThat(Arrays.copyOfRange(packet, 40, 48)).isEqualTo(Arrays.copyOfRange(hopByHop, 40, 48));
            int tcpLength = packet.length - 48;
            assertThat(Offload.sum(packet, 48, tcpLength, Offload.sum(packet, 8, 32, 6 + tcpLength))).as("checksum").isEqualTo(0xffff);
        });
        assertThat(join(packets)).as("written one by one").hasSize(3);

        byte[] routed = hopByHop.clone();
        routed[6] = 43;
        assertThatThrownBy(() -> packets(frame(routed, Offload.GSO_TCPV6, SEGMENT_SIZE), routed.length + 10))
                .hasMessageContaining("TCP over IPv6");
        byte[] four = segment(3000, 1, 0x10, 40000, 13);
        assertThatThrownBy(() -> packets(frame(four, Offload.GSO_TCPV6, SEGMENT_SIZE), four.length + 10))
                .hasMessageContaining("TCP over IPv6");
    }

    @Test
    void packetsOfTheTwoFamiliesOrOfAnotherFlowLabelAreNotJoined() {
        List<byte[]> six = cut(segment6(2760, 1000, 0x10, 40000, 14), SEGMENT_SIZE);
        byte[] relabelled = six.get(1).clone();
        relabelled[3] ^= 1;
        assertThat(join(List.of(six.get(0), relabelled))).hasSize(2);
        List<byte[]> four = cut(segment(2760, 1000, 0x10, 40000, 14), SEGMENT_SIZE);
        assertThat(join(List.of(six.get(0), four.get(1)))).hasSize(2);
        assertThat(join(six)).hasSize(1);
    }

    @Property(tries = 1000)
    void theChecksumSumIsTheOnesComplementSumOfBigEndianWords(@ForAll byte[] bytes, @ForAll @IntRange(min = 0, max = 200) int offset,
            @ForAll @IntRange(min = 0, max = 0xffff) int initial) {
        byte[] padded = new byte[offset + bytes.length];
        System.arraycopy(bytes, 0, padded, offset, bytes.length);
        long plain = initial;
        for (int i = 0; i < bytes.length; i += 2) { // RFC 1071 as written: word by word, a last odd byte the high one
            plain += ((bytes[i] & 255) << 8) | (i + 1 < bytes.length ? bytes[i + 1] & 255 : 0);
        }
        while ((plain >>> 16) != 0) {
            plain = (plain & 0xffff) + (plain >>> 16);
        }

        assertThat(Offload.sum(padded, offset, bytes.length, initial)).isEqualTo((int) plain);
    }

    @Property(tries = 200)
    void cuttingAndJoiningGiveTheSameBytes(@ForAll @IntRange(min = 1, max = 60000) int payload,
            @ForAll @IntRange(min = 500, max = 1400) int segmentSize, @ForAll long sequence, @ForAll boolean ipv6) {
        byte[] segment = ipv6 ? segment6(payload, sequence & 0xffffffffL, 0x18, 40000, payload)
                : segment(payload, sequence & 0xffffffffL, 0x18, 40000, payload);
        List<byte[]> packets = cut(segment, segmentSize);

        assertThat(packets).allSatisfy(packet -> assertThat(checksumsHold(packet)).isTrue());
        List<byte[]> frames = join(packets);
        assertThat(frames).hasSize(1);
        List<byte[]> cutAgain = new ArrayList<>(packets(frames.getFirst(), frames.getFirst().length));
        assertThat(cutAgain).hasSameSizeAs(packets);
        for (int i = 0; i < packets.size(); i++) {
            assertThat(cutAgain.get(i)).isEqualTo(packets.get(i));
        }
    }

    @Property(tries = 300)
    void whateverAPeerSendsJoiningNeitherThrowsNorLosesABit(@ForAll("packetsFromAPeer") List<byte[]> packets) {
        List<byte[]> frames = join(packets);

        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        packets.forEach(packet -> sent.write(packet, 0, packet.length));
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            for (byte[] packet : frame[1] == 0 ? List.of(Arrays.copyOfRange(frame, Offload.HEADER_LENGTH, frame.length))
                    : packets(frame, frame.length)) {
                written.write(packet, 0, packet.length);
            }
        }
        assertThat(written.toByteArray()).isEqualTo(sent.toByteArray());
    }

    /** Random bytes, and now and then a run of real TCP packets over IPv4 or IPv6, the last with a header byte altered. */
    @Provide
    Arbitrary<List<byte[]>> packetsFromAPeer() {
        Arbitrary<List<byte[]>> random = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(120)
                .list().ofMaxSize(6);
        Arbitrary<List<byte[]>> tcp = Combinators.combine(Arbitraries.integers().between(1, 6000),
                Arbitraries.integers().between(0, 80), Arbitraries.bytes(), Arbitraries.of(false, true)).as((payload, at, value, ipv6) -> {
                    byte[] segment = ipv6 ? segment6(payload, 1, 0x10, 40000, payload) : segment(payload, 1, 0x10, 40000, payload);
                    List<byte[]> packets = new ArrayList<>(cut(segment, SEGMENT_SIZE));
                    byte[] altered = packets.getLast().clone();
                    altered[at % altered.length] = value;
                    packets.add(altered);
                    return packets;
                });
        return Arbitraries.oneOf(random, tcp);
    }

    @Property(tries = 300)
    void whateverTheTunDeviceHandsOverOnlyIllegalArgumentIsThrown(@ForAll byte[] frame) {
        try {
            packets(frame, frame.length);
        } catch (IllegalArgumentException expected) {
            // refused, with a reason
        }
    }

    @Test
    void aReadTheKernelCannotHaveWrittenIsRefused() {
        assertThatThrownBy(() -> packets(new byte[12], 12)).isInstanceOf(IllegalArgumentException.class);
        byte[] segment = segment(3000, 1, 0x10, 40000, 8);
        assertThatThrownBy(() -> packets(frame(segment, 3, SEGMENT_SIZE), segment.length + 10))
                .hasMessageContaining("segmentation type 3");
    }

    /** The packets of a read, as the device takes them: each in the array of the transport message it is sealed in. */
    private static List<byte[]> packets(byte[] frame, int length) {
        return Offload.packets(MemorySegment.ofArray(frame), length, Packet.Space.fresh(Session.MESSAGE_ROOM)).stream().map(Packet::toArray).toList();
    }

    /** Packets joined as the device joins them (each inside the transport message it was opened from), each frame as written. */
    private static List<byte[]> join(List<byte[]> packets) {
        return Offload.join(packets.stream().map(OffloadTest::inMessage).toList()).stream().map(frame -> {
            byte[] into = new byte[Offload.MAX_FRAME];
            return Arrays.copyOf(into, frame.copyTo(MemorySegment.ofArray(into)));
        }).toList();
    }

    private static Packet inMessage(byte[] packet) {
        Packet inside = Packet.allocate(packet.length, Session.MESSAGE_ROOM);
        System.arraycopy(packet, 0, inside.bytes(), inside.offset(), packet.length);
        return inside;
    }

    private static List<byte[]> cut(byte[] segment, int segmentSize) {
        boolean ipv6 = (segment[0] & 0xf0) == 0x60;
        return Offload.cut(MemorySegment.ofArray(segment), segmentSize, ipv6, Packet.Space.fresh(Session.MESSAGE_ROOM)).stream().map(Packet::toArray).toList();
    }

    private static void put16(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 8);
        bytes[at + 1] = (byte) value;
    }

    private static int u16(byte[] bytes, int at) {
        return ((bytes[at] & 255) << 8) | (bytes[at + 1] & 255);
    }

    private static long u32(byte[] bytes, int at) {
        return ((long) u16(bytes, at) << 16) | u16(bytes, at + 2);
    }
}
