package io.corvus.wireguard;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * The TAI64N timestamps initiations carry (12 bytes, big-endian seconds since 1970 offset by
 * 2^62 + 10, then nanoseconds). A responder takes an initiation only when its timestamp is newer
 * than the last it took from that initiator: a recorded initiation cannot be replayed.
 */
public final class Timestamps {

    public static final int LENGTH = 12;
    private static final long TAI64_EPOCH = 0x400000000000000aL;

    private Timestamps() {
    }

    public static byte[] tai64n(Instant when) {
        return ByteBuffer.allocate(LENGTH).putLong(TAI64_EPOCH + when.getEpochSecond()).putInt(when.getNano()).array();
    }

    /** Whether {@code candidate} is later than {@code last}; any is newer than none (null). */
    public static boolean newer(byte[] candidate, byte[] last) {
        return last == null || Arrays.compareUnsigned(candidate, last) > 0;
    }
}
