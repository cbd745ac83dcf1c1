package io.corvus.wireguard;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The primitives the WireGuard paper names (section 5.4), none written here: HASH and MAC are
 * BLAKE2s (Bouncy Castle), HMAC is RFC 2104 over BLAKE2s, DH is X25519 and AEAD is
 * ChaCha20-Poly1305 (both from the JDK). Keys travel as the raw 32 bytes WireGuard puts on the wire.
 */
final class Primitives {

    static final int KEY_LENGTH = 32;
    static final int TAG_LENGTH = 16;
    static final int MAC_LENGTH = 16;
    private static final byte[] NOTHING = new byte[0];
    private static final ThreadLocal<Cipher> AEAD = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no ChaCha20-Poly1305", e);
        }
    });

    private Primitives() {
    }

    /** HASH: BLAKE2s with a 32-byte digest of the inputs, one after the other. */
    static byte[] hash(byte[]... inputs) {
        Blake2sDigest digest = new Blake2sDigest(256);
        for (byte[] input : inputs) {
            digest.update(input, 0, input.length);
        }
        byte[] out = new byte[KEY_LENGTH];
        digest.doFinal(out, 0);
        return out;
    }

    /** MAC: keyed BLAKE2s with a 16-byte digest, over {@code length} bytes of {@code input}. */
    static byte[] mac(byte[] key, byte[] input, int length) {
        Blake2sDigest digest = new Blake2sDigest(key, MAC_LENGTH, null, null);
        digest.update(input, 0, length);
        byte[] out = new byte[MAC_LENGTH];
        digest.doFinal(out, 0);
        return out;
    }

    static byte[] hmac(byte[] key, byte[]... inputs) {
        HMac hmac = new HMac(new Blake2sDigest(256));
        hmac.init(new KeyParameter(key));
        for (byte[] input : inputs) {
            hmac.update(input, 0, input.length);
        }
        byte[] out = new byte[KEY_LENGTH];
        hmac.doFinal(out, 0);
        return out;
    }

    /** KDF_n of the paper: {@code count} 32-byte keys (1 to 3) from the chaining key and the input. */
    static byte[][] kdf(int count, byte[] chainingKey, byte[] input) {
        byte[] secret = hmac(chainingKey, input);
        byte[][] out = new byte[count][];
        byte[] previous = NOTHING;
        for (int i = 0; i < count; i++) {
            previous = hmac(secret, previous, new byte[] {(byte) (i + 1)});
            out[i] = previous;
        }
        return out;
    }

    /** A ChaCha20-Poly1305 key as the JDK takes it: a transport key once per session, not once per packet. */
    static SecretKey aeadKey(byte[] key) {
        return new SecretKeySpec(key, "ChaCha20");
    }

    static byte[] seal(byte[] key, long counter, byte[] plaintext, byte[] associatedData) {
        byte[] sealed = new byte[plaintext.length + TAG_LENGTH];
        sealInPlace(aeadKey(key), counter, copyInto(plaintext, sealed), 0, plaintext.length, associatedData);
        return sealed;
    }

    /**
     * Encrypts {@code length} bytes of {@code buffer} at {@code offset} where they are, and appends
     * the tag after them: the buffer has room for it.
     */
    static void sealInPlace(SecretKey key, long counter, byte[] buffer, int offset, int length, byte[] associatedData) {
        try {
            Cipher cipher = aead(Cipher.ENCRYPT_MODE, key, counter);
            cipher.updateAAD(associatedData);
            cipher.doFinal(buffer, offset, length, buffer, offset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 of this JDK refused to encrypt", e);
        }
    }

    /** @throws AEADBadTagException when the ciphertext or the associated data was not what the key sealed */
    static byte[] open(SecretKey key, long counter, byte[] ciphertext, int offset, int length, byte[] associatedData)
            throws AEADBadTagException {
        byte[] plaintext = Arrays.copyOfRange(ciphertext, offset, offset + length);
        return Arrays.copyOf(plaintext, openInPlace(key, counter, plaintext, 0, length, associatedData));
    }

    /**
     * Decrypts the {@code length} bytes of ciphertext and tag at {@code offset} where they are, and
     * returns the plaintext's length.
     *
     * @throws AEADBadTagException when the ciphertext or the associated data was not what the key sealed
     */
    static int openInPlace(SecretKey key, long counter, byte[] buffer, int offset, int length, byte[] associatedData)
            throws AEADBadTagException {
        try {
            Cipher cipher = aead(Cipher.DECRYPT_MODE, key, counter);
            cipher.updateAAD(associatedData);
            return cipher.doFinal(buffer, offset, length, buffer, offset);
        } catch (AEADBadTagException forged) {
            throw forged;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 of this JDK refused to decrypt", e);
        }
    }

    /**
     * One cipher per thread, initialised for each message: looking the algorithm up for every
     * packet cost more than the encryption. The nonce is 32 zero bits and the counter,
     * little-endian (paper, 5.4.6).
     */
    private static Cipher aead(int mode, SecretKey key, long counter) throws GeneralSecurityException {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
        Cipher cipher = AEAD.get();
        cipher.init(mode, key, new IvParameterSpec(nonce));
        return cipher;
    }

    private static byte[] copyInto(byte[] source, byte[] target) {
        System.arraycopy(source, 0, target, 0, source.length);
        return target;
    }

    /**
     * X25519 of a raw private key and a raw public key.
     *
     * @throws InvalidKeyException when the public key is of small order (the shared secret would be zero)
     */
    static byte[] dh(byte[] privateKey, byte[] publicKey) throws InvalidKeyException {
        try {
            KeyAgreement agreement = KeyAgreement.getInstance("X25519");
            agreement.init(privateKey(privateKey));
            agreement.doPhase(publicKey(publicKey), true);
            return agreement.generateSecret();
        } catch (InvalidKeyException weak) {
            throw weak;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 of this JDK failed", e);
        }
    }

    private static PrivateKey privateKey(byte[] raw) throws GeneralSecurityException {
        return KeyFactory.getInstance("XDH").generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, raw));
    }

    /** RFC 7748: the u-coordinate little-endian, its top bit ignored. */
    private static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
        byte[] bigEndian = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH; i++) {
            bigEndian[i] = raw[KEY_LENGTH - 1 - i];
        }
        bigEndian[0] &= 0x7f;
        return KeyFactory.getInstance("XDH").generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, bigEndian)));
    }
}
