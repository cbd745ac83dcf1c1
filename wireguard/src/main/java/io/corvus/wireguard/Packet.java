package io.corvus.wireguard;

import java.util.Arrays;
import java.util.Objects;

/**
 * Bytes where they lie in a larger array: an IP packet in the transport message it will be sealed
 * in, or was opened from, or that transport message itself. Cutting, sealing, opening and joining
 * pass it on without copying it (those copies were a sixth of the device's CPU per GB,
 * BENCHMARKS.md). The array is shared, not copied: a packet is handed from one step to the next,
 * and the step holding it may write its bytes. Two packets are equal when they name the same place
 * in the same array (a record compares arrays by identity), not when their bytes are.
 */
public record Packet(byte[] bytes, int offset, int length) {

    public Packet {
        Objects.checkFromIndexSize(offset, length, bytes.length);
    }

    /** A packet that fills its array. */
    public static Packet of(byte[] whole) {
        return new Packet(whole, 0, whole.length);
    }

    /**
     * A packet of {@code length} zero bytes in a fresh array with {@code room} around it, for the
     * step after to work in place.
     */
    public static Packet allocate(int length, Room room) {
        return new Packet(new byte[room.arrayLength(length)], room.before(), length);
    }

    /** The same bytes in a fresh array of their own with {@code room} around them: for a packet kept past the step that made it. */
    public Packet copy(Room room) {
        Packet copy = allocate(length, room);
        System.arraycopy(bytes, offset, copy.bytes, copy.offset, length);
        return copy;
    }

    /** The same bytes, shortened to {@code shorter} (a packet's header says it ends before its padding). */
    public Packet truncate(int shorter) {
        return new Packet(bytes, offset, shorter);
    }

    public byte[] toArray() {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    /** The byte at {@code at}, counted from the packet's start. */
    public int u8(int at) {
        return bytes[offset + at] & 255;
    }

    /** The big-endian 16-bit word at {@code at}, counted from the packet's start. */
    public int u16(int at) {
        return (u8(at) << 8) | u8(at + 1);
    }

    /** Where a step puts the packets it makes, each with the room around it that the next step needs. */
    @FunctionalInterface
    public interface Space {

        /** A packet of {@code length} bytes, to be written, with room around it that nobody else uses. */
        Packet allocate(int length);

        /** Each packet in a fresh array of its own. */
        static Space fresh(Room room) {
            return length -> Packet.allocate(length, room);
        }
    }

    /**
     * Space a step needs around a packet in its array: a transport message's header before it, and
     * after it the padding to a multiple of {@code alignTo} and the tag.
     */
    public record Room(int before, int alignTo, int after) {

        public Room {
            if (before < 0 || alignTo < 1 || after < 0) {
                throw new IllegalArgumentException("room is at least 0 bytes, aligned to at least 1");
            }
        }

        /** The length of an array holding a packet of {@code length} bytes with this room around it. */
        public int arrayLength(int length) {
            return before + paddedLength(length) + after;
        }

        /** {@code length} rounded up to a multiple of {@code alignTo}. */
        public int paddedLength(int length) {
            return (length + alignTo - 1) / alignTo * alignTo;
        }
    }
}
