package io.corvus.wireguard;

import static io.corvus.wireguard.Primitives.KEY_LENGTH;
import static io.corvus.wireguard.Primitives.MAC_LENGTH;
import static io.corvus.wireguard.Primitives.TAG_LENGTH;
import static io.corvus.wireguard.Primitives.hash;
import static io.corvus.wireguard.Primitives.kdf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;

/**
 * WireGuard's handshake (paper, section 5.4.2-5.4.5): Noise_IKpsk2 with X25519, ChaCha20-Poly1305
 * and BLAKE2s. The initiator knows the responder's static key; one message each way authenticates
 * both and derives a {@link Session}. Both sides are here, as the two halves of the same
 * transcript: {@link #initiate} and {@link Initiator#complete}, {@link #receive} and
 * {@link Responder#respond}.
 *
 * <p>mac2 is sent as zeros here; {@link Cookies} makes and checks it, for a node under load that
 * asks initiators to prove their address first. When to start a handshake is {@link PeerTimers}'s.
 */
public final class Handshake {

    public static final int INITIATION_LENGTH = 148;
    public static final int RESPONSE_LENGTH = 92;
    static final byte TYPE_INITIATION = 1;
    static final byte TYPE_RESPONSE = 2;

    private static final byte[] CONSTRUCTION = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IDENTIFIER = "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INITIAL_CHAINING_KEY = hash(CONSTRUCTION);
    private static final byte[] INITIAL_HASH = hash(INITIAL_CHAINING_KEY, IDENTIFIER);
    private static final byte[] NOTHING = new byte[0];
    /** Without a preshared key the psk2 step mixes in 32 zero bytes. */
    private static final byte[] NO_PRESHARED_KEY = new byte[KEY_LENGTH];

    private static final int ENCRYPTED_STATIC_LENGTH = KEY_LENGTH + TAG_LENGTH;
    private static final int ENCRYPTED_TIMESTAMP_LENGTH = Timestamps.LENGTH + TAG_LENGTH;
    private static final int INITIATION_MAC1_AT = INITIATION_LENGTH - 2 * MAC_LENGTH;
    private static final int RESPONSE_MAC1_AT = RESPONSE_LENGTH - 2 * MAC_LENGTH;

    private Handshake() {
    }

    /**
     * The first message to {@code peerPublicKey}, for the initiator to send.
     *
     * @param presharedKey 32 bytes, or null for none (both sides must agree)
     * @param localIndex   the index the peer will put on its messages to this handshake and its session
     * @param timestamp    TAI64N ({@link Timestamps#tai64n}); the peer takes each initiator's only when newer than its last
     * @throws Rejected {@code WEAK_KEY} when the peer's public key is of small order
     */
    public static Initiator initiate(Identity local, byte[] peerPublicKey, byte[] presharedKey, int localIndex, byte[] timestamp)
            throws Rejected {
        requireKey(peerPublicKey, "peer public key");
        Transcript transcript = new Transcript(peerPublicKey);
        Identity ephemeral = Identity.generate();
        ByteBuffer message = little(INITIATION_LENGTH);
        message.put(TYPE_INITIATION).put(new byte[3]).putInt(localIndex).put(ephemeral.publicKeyRaw());
        transcript.mixEphemeral(ephemeral.publicKeyRaw());
        byte[] key = transcript.mixKey(dh(ephemeral.privateKey(), peerPublicKey));
        message.put(transcript.encrypt(key, local.publicKeyRaw()));
        key = transcript.mixKey(dh(local.privateKey(), peerPublicKey));
        message.put(transcript.encrypt(key, timestamp));
        byte[] bytes = message.array();
        System.arraycopy(mac1(peerPublicKey, bytes, INITIATION_MAC1_AT), 0, bytes, INITIATION_MAC1_AT, MAC_LENGTH);
        return new Initiator(local, peerPublicKey, presharedKey(presharedKey), localIndex, ephemeral, transcript, bytes);
    }

    /**
     * Reads an initiation meant for {@code local}: checks its mac1, then learns and authenticates the
     * initiator's static key and timestamp. The caller looks the key up among its peers, takes the
     * timestamp only when newer than that peer's last ({@link Timestamps#newer}), then responds.
     */
    public static Responder receive(Identity local, byte[] initiation) throws Rejected {
        requireInitiationForUs(local, initiation);
        ByteBuffer message = ByteBuffer.wrap(initiation).order(ByteOrder.LITTLE_ENDIAN);
        int peerIndex = message.getInt(4);
        byte[] peerEphemeral = Arrays.copyOfRange(initiation, 8, 8 + KEY_LENGTH);
        Transcript transcript = new Transcript(local.publicKeyRaw());
        transcript.mixEphemeral(peerEphemeral);
        byte[] key = transcript.mixKey(dh(local.privateKey(), peerEphemeral));
        int at = 8 + KEY_LENGTH;
        byte[] peerStatic = transcript.decrypt(key, initiation, at, ENCRYPTED_STATIC_LENGTH);
        at += ENCRYPTED_STATIC_LENGTH;
        key = transcript.mixKey(dh(local.privateKey(), peerStatic));
        byte[] timestamp = transcript.decrypt(key, initiation, at, ENCRYPTED_TIMESTAMP_LENGTH);
        return new Responder(peerStatic, peerIndex, peerEphemeral, timestamp, transcript);
    }

    /**
     * Whether this is an initiation made for {@code local} (its shape and mac1): the cheap check a
     * responder under load makes before it answers with a cookie instead of its X25519 operations.
     */
    public static void requireInitiationForUs(Identity local, byte[] initiation) throws Rejected {
        requireShape(initiation, TYPE_INITIATION, INITIATION_LENGTH, "initiation");
        requireMac1(local, initiation, INITIATION_MAC1_AT);
    }

    /** Whether this is a response made for {@code local} (its shape and mac1): checked before a device under load asks for a cookie. */
    public static void requireResponseForUs(Identity local, byte[] response) throws Rejected {
        requireShape(response, TYPE_RESPONSE, RESPONSE_LENGTH, "response");
        requireMac1(local, response, RESPONSE_MAC1_AT);
    }

    /** The mac1 of a handshake message (for a cookie reply to it, which is bound to it). */
    public static byte[] mac1Of(byte[] message) {
        return Arrays.copyOfRange(message, message.length - 2 * MAC_LENGTH, message.length - MAC_LENGTH);
    }

    /** The initiator's side, waiting for the response. */
    public static final class Initiator {

        private final Identity local;
        private final byte[] peerPublicKey;
        private final byte[] presharedKey;
        private final int localIndex;
        private final Identity ephemeral;
        private final Transcript transcript;
        private final byte[] message;

        private Initiator(Identity local, byte[] peerPublicKey, byte[] presharedKey, int localIndex, Identity ephemeral,
                Transcript transcript, byte[] message) {
            this.local = local;
            this.peerPublicKey = peerPublicKey.clone();
            this.presharedKey = presharedKey;
            this.localIndex = localIndex;
            this.ephemeral = ephemeral;
            this.transcript = transcript;
            this.message = message;
        }

        /** The initiation to send (148 bytes). */
        public byte[] message() {
            return message.clone();
        }

        public int localIndex() {
            return localIndex;
        }

        /** The session, once the peer's response proves it holds its static key and the same preshared key. */
        public Session complete(byte[] response) throws Rejected {
            requireShape(response, TYPE_RESPONSE, RESPONSE_LENGTH, "response");
            requireMac1(local, response, RESPONSE_MAC1_AT);
            ByteBuffer in = ByteBuffer.wrap(response).order(ByteOrder.LITTLE_ENDIAN);
            int peerIndex = in.getInt(4);
            if (in.getInt(8) != localIndex) {
                throw new Rejected(Rejected.Reason.UNKNOWN_INDEX, "a response for handshake " + Integer.toUnsignedString(in.getInt(8))
                        + ", this one is " + Integer.toUnsignedString(localIndex));
            }
            Transcript mine = transcript.copy();
            byte[] peerEphemeral = Arrays.copyOfRange(response, 12, 12 + KEY_LENGTH);
            mine.mixEphemeral(peerEphemeral);
            mine.mixChain(dh(ephemeral.privateKey(), peerEphemeral));
            mine.mixChain(dh(local.privateKey(), peerEphemeral));
            byte[] key = mine.mixPresharedKey(presharedKey);
            mine.decrypt(key, response, 12 + KEY_LENGTH, TAG_LENGTH);
            byte[][] keys = mine.split();
            return new Session(localIndex, peerIndex, keys[0], keys[1], peerPublicKey);
        }
    }

    /** The responder's side of an authenticated initiation, before it answers. */
    public static final class Responder {

        private final byte[] peerPublicKey;
        private final int peerIndex;
        private final byte[] peerEphemeral;
        private final byte[] timestamp;
        private final Transcript transcript;

        private Responder(byte[] peerPublicKey, int peerIndex, byte[] peerEphemeral, byte[] timestamp, Transcript transcript) {
            this.peerPublicKey = peerPublicKey;
            this.peerIndex = peerIndex;
            this.peerEphemeral = peerEphemeral;
            this.timestamp = timestamp;
            this.transcript = transcript;
        }

        /** The initiator's static public key: which peer this is. */
        public byte[] peerPublicKey() {
            return peerPublicKey.clone();
        }

        public byte[] timestamp() {
            return timestamp.clone();
        }

        /**
         * The response to send (92 bytes) and the session it opens. The session must not send data
         * before it received some: the initiator's first transport message confirms it holds the keys.
         */
        public Reply respond(byte[] presharedKey, int localIndex) throws Rejected {
            Transcript mine = transcript.copy();
            Identity ephemeral = Identity.generate();
            ByteBuffer message = little(RESPONSE_LENGTH);
            message.put(TYPE_RESPONSE).put(new byte[3]).putInt(localIndex).putInt(peerIndex).put(ephemeral.publicKeyRaw());
            mine.mixEphemeral(ephemeral.publicKeyRaw());
            mine.mixChain(dh(ephemeral.privateKey(), peerEphemeral));
            mine.mixChain(dh(ephemeral.privateKey(), peerPublicKey));
            byte[] key = mine.mixPresharedKey(presharedKey(presharedKey));
            message.put(mine.encrypt(key, NOTHING));
            byte[] bytes = message.array();
            System.arraycopy(mac1(peerPublicKey, bytes, RESPONSE_MAC1_AT), 0, bytes, RESPONSE_MAC1_AT, MAC_LENGTH);
            byte[][] keys = mine.split();
            return new Reply(bytes, new Session(localIndex, peerIndex, keys[1], keys[0], peerPublicKey));
        }
    }

    /** The response to send and the session it opens. */
    public record Reply(byte[] message, Session session) {
    }

    /** The chaining key and the hash both sides keep in step (Noise's symmetric state). */
    private static final class Transcript {

        private byte[] chainingKey;
        private byte[] hash;

        Transcript(byte[] responderStatic) {
            this(INITIAL_CHAINING_KEY, hash(INITIAL_HASH, responderStatic));
        }

        private Transcript(byte[] chainingKey, byte[] hash) {
            this.chainingKey = chainingKey;
            this.hash = hash;
        }

        Transcript copy() {
            return new Transcript(chainingKey, hash);
        }

        void mixEphemeral(byte[] ephemeralPublic) {
            chainingKey = kdf(1, chainingKey, ephemeralPublic)[0];
            hash = hash(hash, ephemeralPublic);
        }

        void mixChain(byte[] secret) {
            chainingKey = kdf(1, chainingKey, secret)[0];
        }

        /** Mixes a DH result into the chaining key; returns the key for the next AEAD. */
        byte[] mixKey(byte[] secret) {
            byte[][] out = kdf(2, chainingKey, secret);
            chainingKey = out[0];
            return out[1];
        }

        byte[] mixPresharedKey(byte[] presharedKey) {
            byte[][] out = kdf(3, chainingKey, presharedKey);
            chainingKey = out[0];
            hash = hash(hash, out[1]);
            return out[2];
        }

        byte[] encrypt(byte[] key, byte[] plaintext) {
            byte[] sealed = Primitives.seal(key, 0, plaintext, hash);
            hash = hash(hash, sealed);
            return sealed;
        }

        byte[] decrypt(byte[] key, byte[] message, int offset, int length) throws Rejected {
            try {
                byte[] plain = Primitives.open(Primitives.aeadKey(key), 0, message, offset, length, hash);
                hash = hash(hash, Arrays.copyOfRange(message, offset, offset + length));
                return plain;
            } catch (AEADBadTagException e) {
                throw new Rejected(Rejected.Reason.FORGED, "a handshake field did not decrypt: not from the key it claims, "
                        + "altered, or another preshared key");
            }
        }

        /** The two transport keys: initiator to responder, responder to initiator. */
        byte[][] split() {
            return kdf(2, chainingKey, NOTHING);
        }
    }

    private static byte[] mac1(byte[] receiverPublicKey, byte[] message, int length) {
        return Primitives.mac(hash(LABEL_MAC1, receiverPublicKey), message, length);
    }

    private static void requireMac1(Identity local, byte[] message, int at) throws Rejected {
        byte[] expected = mac1(local.publicKeyRaw(), message, at);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(message, at, at + MAC_LENGTH))) {
            throw new Rejected(Rejected.Reason.BAD_MAC, "mac1 was not made for this node's public key");
        }
    }

    private static void requireShape(byte[] message, byte type, int length, String what) throws Rejected {
        if (message.length != length || message[0] != type || message[1] != 0 || message[2] != 0 || message[3] != 0) {
            throw new Rejected(Rejected.Reason.MALFORMED, "a handshake " + what + " is " + length + " bytes of type " + type
                    + " with three zero bytes after it; this is " + message.length + " bytes"
                    + (message.length > 0 ? " of type " + message[0] : ""));
        }
    }

    private static byte[] dh(byte[] privateKey, byte[] publicKey) throws Rejected {
        try {
            return Primitives.dh(privateKey, publicKey);
        } catch (InvalidKeyException e) {
            throw new Rejected(Rejected.Reason.WEAK_KEY, "a public key of small order");
        }
    }

    private static byte[] presharedKey(byte[] presharedKey) {
        if (presharedKey == null) {
            return NO_PRESHARED_KEY;
        }
        requireKey(presharedKey, "preshared key");
        return presharedKey.clone();
    }

    private static void requireKey(byte[] key, String what) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a WireGuard " + what + " is 32 bytes, not " + key.length);
        }
    }

    private static ByteBuffer little(int length) {
        return ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    }
}
