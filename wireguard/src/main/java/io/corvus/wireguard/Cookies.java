package io.corvus.wireguard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import com.google.crypto.tink.subtle.XChaCha20Poly1305;

/**
 * WireGuard's cookies (paper, 5.4.7): a responder under load answers an initiation whose mac2 is
 * not right with a cookie reply instead of its two X25519 operations; the cookie is a MAC of the
 * sender's address and port under a secret that changes every two minutes, so only a sender that
 * receives at that address can prove it with mac2 on its next try. The reply is encrypted with
 * XChaCha20-Poly1305 (Tink) under a hash of the responder's public key, bound to the mac1 it
 * answers. {@link Responder} is the side that asks; {@link Jar} the side that keeps what it was given.
 */
public final class Cookies {

    public static final int REPLY_LENGTH = 64;
    static final byte TYPE_COOKIE_REPLY = 3;
    /** How long a cookie secret lives, and how long an initiator may use a cookie it was given. */
    static final Duration LIFETIME = Duration.ofSeconds(120);
    private static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Cookies() {
    }

    /** The responder's side: checks mac2 against the cookie of the sender's address, and makes cookie replies. */
    public static final class Responder {

        private final XChaCha20Poly1305 sealer;
        private byte[] secret = new byte[Primitives.KEY_LENGTH];
        private Instant secretSince = Instant.MIN;

        public Responder(Identity local) {
            this.sealer = xaead(local.publicKeyRaw());
        }

        /** Whether the mac2 of a handshake message (its last 16 bytes) proves the cookie of {@code source}. */
        public synchronized boolean mac2Valid(byte[] message, byte[] source, Instant now) {
            int mac2At = message.length - Primitives.MAC_LENGTH;
            byte[] expected = Primitives.mac(cookieFor(source, now), message, mac2At);
            return MessageDigest.isEqual(expected, Arrays.copyOfRange(message, mac2At, message.length));
        }

        /**
         * The cookie reply to a handshake message (its first 8 bytes: type and the sender's index;
         * its mac1 ends {@value Primitives#MAC_LENGTH} bytes before its end) from {@code source}
         * (address and port bytes, as the cookie is bound to them).
         */
        public synchronized byte[] reply(byte[] message, byte[] source, Instant now) {
            byte[] mac1 = Handshake.mac1Of(message);
            byte[] sealed;
            try {
                sealed = sealer.encrypt(cookieFor(source, now), mac1); // nonce (24) || cookie (16) || tag (16)
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("XChaCha20-Poly1305 refused to encrypt", e);
            }
            return ByteBuffer.allocate(REPLY_LENGTH).order(ByteOrder.LITTLE_ENDIAN).put(TYPE_COOKIE_REPLY).put(new byte[3])
                    .putInt(ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN).getInt(4)).put(sealed).array();
        }

        private byte[] cookieFor(byte[] source, Instant now) {
            if (!now.isBefore(secretSince.plus(LIFETIME))) {
                RANDOM.nextBytes(secret);
                secretSince = now;
            }
            return Primitives.mac(secret, source, source.length);
        }
    }

    /** The initiator's side, per peer: the cookie the peer last gave, for the mac2 of the next messages. */
    public static final class Jar {

        private final XChaCha20Poly1305 opener;
        private byte[] cookie;
        private Instant receivedAt;

        /** @param peerPublicKey the responder's key: its replies are encrypted under a hash of it */
        public Jar(byte[] peerPublicKey) {
            this.opener = xaead(peerPublicKey);
        }

        /**
         * Takes a cookie reply to the message whose mac1 was {@code mac1Sent}.
         *
         * @throws Rejected {@code MALFORMED} for a reply of the wrong size, {@code FORGED} for one not made for that message by that peer
         */
        public synchronized void take(byte[] reply, byte[] mac1Sent, Instant now) throws Rejected {
            if (reply.length != REPLY_LENGTH || reply[0] != TYPE_COOKIE_REPLY) {
                throw new Rejected(Rejected.Reason.MALFORMED, "a cookie reply is " + REPLY_LENGTH + " bytes of type 3, not "
                        + reply.length + " bytes");
            }
            try {
                cookie = opener.decrypt(Arrays.copyOfRange(reply, 8, REPLY_LENGTH), mac1Sent);
                receivedAt = now;
            } catch (GeneralSecurityException e) {
                throw new Rejected(Rejected.Reason.FORGED, "a cookie reply that is not the peer's answer to the last message sent");
            }
        }

        /** Writes the mac2 of a handshake message into its last 16 bytes: of the cookie, or zeros without a fresh one. */
        public synchronized void putMac2(byte[] message, Instant now) {
            int mac2At = message.length - Primitives.MAC_LENGTH;
            byte[] mac2 = cookie == null || !now.isBefore(receivedAt.plus(LIFETIME)) ? new byte[Primitives.MAC_LENGTH]
                    : Primitives.mac(cookie, message, mac2At);
            System.arraycopy(mac2, 0, message, mac2At, Primitives.MAC_LENGTH);
        }
    }

    /** The address and port a cookie is bound to, as bytes. */
    public static byte[] source(java.net.InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        return ByteBuffer.allocate(ip.length + 2).put(ip).putShort((short) address.getPort()).array();
    }

    private static XChaCha20Poly1305 xaead(byte[] publicKey) {
        try {
            return new XChaCha20Poly1305(Primitives.hash(LABEL_COOKIE, publicKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink's XChaCha20-Poly1305 is not available", e);
        }
    }
}
