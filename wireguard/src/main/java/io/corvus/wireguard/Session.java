package io.corvus.wireguard;

import static io.corvus.wireguard.Primitives.TAG_LENGTH;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.AEADBadTagException;

/**
 * A pair of transport keys from one handshake (paper, 5.4.6): seals packets into transport messages
 * (type 4: receiver index, counter, ChaCha20-Poly1305 of the packet padded to 16 bytes) and opens
 * the peer's, each counter taken once. Safe to use from several threads.
 */
public final class Session {

    public static final int HEADER_LENGTH = 16;
    public static final byte TYPE_TRANSPORT = 4;
    /** Neither side uses a key for more messages than this (the paper's Reject-After-Messages, 2^64 - 2^13 - 1). */
    static final long REJECT_AFTER_MESSAGES = -1L - (1L << 13);
    /** Where a packet goes in an array that is to become its transport message: no copy to seal it. */
    public static final Packet.Room MESSAGE_ROOM = new Packet.Room(HEADER_LENGTH, 16, TAG_LENGTH);

    private final int localIndex;
    private final int remoteIndex;
    private final TransportCipher.SessionKey sendKey;
    private final TransportCipher.SessionKey receiveKey;
    private final byte[] peerPublicKey;
    private final AtomicLong sent = new AtomicLong();
    private final ReplayWindow received = new ReplayWindow();

    Session(int localIndex, int remoteIndex, byte[] sendKey, byte[] receiveKey, byte[] peerPublicKey) {
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        TransportCipher cipher = TransportCiphers.chosen().cipher();
        this.sendKey = cipher.key(sendKey);
        this.receiveKey = cipher.key(receiveKey);
        this.peerPublicKey = peerPublicKey.clone();
    }

    /** The index the peer puts on the messages it sends to this session. */
    public int localIndex() {
        return localIndex;
    }

    /** The index this session puts on what it sends. */
    public int remoteIndex() {
        return remoteIndex;
    }

    /** How many messages this session's key has sealed. */
    public long sealedCount() {
        return sent.get();
    }

    public byte[] peerPublicKey() {
        return peerPublicKey.clone();
    }

    /**
     * The transport message carrying {@code packet} (an IP packet, or nothing for a keepalive): sealed
     * where it lies when its array has {@link #MESSAGE_ROOM} around it (the bytes there are the
     * caller's to overwrite), in a new array otherwise.
     *
     * @throws IllegalStateException once the key has sent as many messages as it may: a new handshake is due
     */
    public Packet seal(Packet packet) {
        long counter = sent.getAndIncrement();
        if (Long.compareUnsigned(counter, REJECT_AFTER_MESSAGES) >= 0) {
            throw new IllegalStateException("this session's key sent " + Long.toUnsignedString(counter)
                    + " messages, the most any key may: a new handshake is due");
        }
        int padded = MESSAGE_ROOM.paddedLength(packet.length());
        Packet inRoom = packet.offset() >= HEADER_LENGTH && packet.offset() + padded + TAG_LENGTH <= packet.bytes().length ? packet
                : packet.copy(MESSAGE_ROOM);
        byte[] bytes = inRoom.bytes();
        Arrays.fill(bytes, inRoom.offset() + inRoom.length(), inRoom.offset() + padded, (byte) 0);
        int start = inRoom.offset() - HEADER_LENGTH;
        ByteBuffer.wrap(bytes, start, HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN).put(TYPE_TRANSPORT).put(new byte[3]).putInt(remoteIndex)
                .putLong(counter);
        sendKey.seal(counter, bytes, inRoom.offset(), padded);
        return new Packet(bytes, start, HEADER_LENGTH + padded + TAG_LENGTH);
    }

    /**
     * The packet a transport message carries, with its padding (an IP packet's header says its
     * length); empty for a keepalive. It is opened where it lies: the packet is inside {@code message},
     * whose ciphertext is gone (open a copy to keep it).
     */
    public Packet open(Packet message) throws Rejected {
        byte[] bytes = message.bytes();
        int at = message.offset();
        if (message.length() < HEADER_LENGTH + TAG_LENGTH || bytes[at] != TYPE_TRANSPORT || bytes[at + 1] != 0 || bytes[at + 2] != 0
                || bytes[at + 3] != 0) {
            throw new Rejected(Rejected.Reason.MALFORMED, "a transport message is type 4, three zero bytes, and at least "
                    + (HEADER_LENGTH + TAG_LENGTH) + " bytes; this is " + message.length() + " bytes");
        }
        ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (header.getInt(at + 4) != localIndex) {
            throw new Rejected(Rejected.Reason.UNKNOWN_INDEX, "for index " + Integer.toUnsignedString(header.getInt(at + 4))
                    + ", this session is " + Integer.toUnsignedString(localIndex));
        }
        long counter = header.getLong(at + 8);
        if (Long.compareUnsigned(counter, REJECT_AFTER_MESSAGES) >= 0) {
            throw new Rejected(Rejected.Reason.EXPIRED, "counter " + Long.toUnsignedString(counter) + " is past what a key may carry");
        }
        int length;
        try {
            length = receiveKey.open(counter, bytes, at + HEADER_LENGTH, message.length() - HEADER_LENGTH);
        } catch (AEADBadTagException e) {
            throw new Rejected(Rejected.Reason.FORGED, "counter " + Long.toUnsignedString(counter) + " did not decrypt with this session's key");
        }
        if (!received.accept(counter)) {
            throw new Rejected(Rejected.Reason.REPLAYED, "counter " + Long.toUnsignedString(counter) + " was taken before or is "
                    + "more than " + ReplayWindow.WINDOW + " behind the newest");
        }
        return new Packet(bytes, at + HEADER_LENGTH, length);
    }
}
