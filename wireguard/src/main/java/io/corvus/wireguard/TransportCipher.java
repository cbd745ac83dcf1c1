package io.corvus.wireguard;

import javax.crypto.AEADBadTagException;

/**
 * ChaCha20-Poly1305 as transport messages use it (paper, 5.4.6): a session's key, a 64-bit counter
 * as the nonce (32 zero bits, then the counter little-endian), no associated data, the 16-byte tag
 * after the ciphertext, sealed and opened where the message lies. The JDK's is always there
 * ({@link TransportCiphers}); a faster one may be found beside it.
 */
public interface TransportCipher {

    /** How the setting {@value TransportCiphers#PROPERTY} names this cipher. */
    String name();

    /** Where this cipher's code comes from, with its version, for the logs. */
    String description();

    /** A session's key as this cipher keeps it: made once per session, used from any thread. */
    SessionKey key(byte[] raw);

    interface SessionKey {

        /** Encrypts {@code length} bytes at {@code offset} where they are and writes the tag after them. */
        void seal(long counter, byte[] buffer, int offset, int length);

        /**
         * Decrypts the {@code length} bytes of ciphertext and tag at {@code offset} where they are and
         * returns the plaintext's length. A message that fails may be left changed: drop it.
         *
         * @throws AEADBadTagException when the message is not what this key sealed with this counter
         */
        int open(long counter, byte[] buffer, int offset, int length) throws AEADBadTagException;
    }
}
