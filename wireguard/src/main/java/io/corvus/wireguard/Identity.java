package io.corvus.wireguard;

import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A node's static X25519 key pair, raw 32 bytes each, in the base64 form {@code wg genkey} and
 * {@code wg pubkey} use. The private key never appears in {@link #toString()}.
 */
public final class Identity {

    private static final byte[] BASE_POINT = basePoint();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] privateKey;
    private final byte[] publicKey;

    private Identity(byte[] privateKey) {
        this.privateKey = privateKey.clone();
        try {
            this.publicKey = Primitives.dh(this.privateKey, BASE_POINT);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("X25519 refused its own base point", e);
        }
    }

    /** A new key, clamped as {@code wg genkey} clamps it. */
    public static Identity generate() {
        byte[] key = new byte[Primitives.KEY_LENGTH];
        RANDOM.nextBytes(key);
        key[0] &= (byte) 248;
        key[31] &= 127;
        key[31] |= 64;
        return new Identity(key);
    }

    /** @throws IllegalArgumentException unless {@code base64} is a 32-byte key as {@code wg genkey} writes it */
    public static Identity fromPrivateKey(String base64) {
        return new Identity(decodeKey(base64, "private key"));
    }

    /** The key as {@code wg} hands it over its control socket: 32 raw bytes. */
    static Identity fromRawPrivateKey(byte[] key) {
        return new Identity(key);
    }

    /** @throws IllegalArgumentException unless {@code base64} holds exactly 32 bytes */
    public static byte[] decodeKey(String base64, String what) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a WireGuard " + what + " is 32 bytes in base64 (as wg genkey writes it); this is not base64");
        }
        if (key.length != Primitives.KEY_LENGTH) {
            throw new IllegalArgumentException("a WireGuard " + what + " is 32 bytes in base64 (as wg genkey writes it), not "
                    + key.length);
        }
        return key;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey);
    }

    public String privateKeyBase64() {
        return Base64.getEncoder().encodeToString(privateKey);
    }

    byte[] privateKey() {
        return privateKey;
    }

    byte[] publicKeyRaw() {
        return publicKey;
    }

    @Override
    public String toString() {
        return "Identity[public " + publicKeyBase64() + "]";
    }

    private static byte[] basePoint() {
        byte[] point = new byte[Primitives.KEY_LENGTH];
        point[0] = 9;
        return point;
    }
}
