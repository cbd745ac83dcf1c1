package io.corvus.agent.tunnel.linux;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.XECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.KeyAgreement;

import io.corvus.pki.SecretFiles;

/**
 * The node's WireGuard keys: an X25519 key pair made by the JDK on first start, its private half
 * kept in {@code wireguard.key} under the state folder (owner-only from the first byte), so that a
 * restart keeps it and peers need not learn a new key; and the cluster's preshared key, read from
 * its file (a Secret). Both in WireGuard's own form, base64 of 32 bytes.
 */
final class WireGuardKeys {

    static final String PRIVATE_KEY_FILE = "wireguard.key";
    private static final NamedParameterSpec X25519 = NamedParameterSpec.X25519;

    private final Path privateKeyFile;
    private final String publicKey;

    private WireGuardKeys(Path privateKeyFile, String publicKey) {
        this.privateKeyFile = privateKeyFile;
        this.publicKey = publicKey;
    }

    /** Loads the node's key, or makes one when the state folder has none. */
    static WireGuardKeys loadOrCreate(Path stateDirectory) throws IOException, GeneralSecurityException {
        Files.createDirectories(stateDirectory);
        Path file = stateDirectory.resolve(PRIVATE_KEY_FILE);
        if (!Files.exists(file)) {
            XECPrivateKey generated = (XECPrivateKey) KeyPairGenerator.getInstance("X25519").generateKeyPair().getPrivate();
            byte[] scalar = generated.getScalar().orElseThrow();
            SecretFiles.write(file, Base64.getEncoder().encodeToString(scalar) + "\n");
        }
        byte[] scalar = decode(Files.readString(file).strip(), file);
        return new WireGuardKeys(file, Base64.getEncoder().encodeToString(publicKeyOf(scalar)));
    }

    /** The cluster's preshared key from its file, checked; empty with the reason when there is none. */
    static Optional<Path> presharedKey(Optional<Path> file) throws IOException {
        if (file.isEmpty() || !Files.isReadable(file.get())) {
            return Optional.empty();
        }
        decode(Files.readString(file.get()).strip(), file.get());
        return file;
    }

    Path privateKeyFile() {
        return privateKeyFile;
    }

    String publicKey() {
        return publicKey;
    }

    /** X25519(private, 9): the public key, computed with the JDK's own key agreement. */
    static byte[] publicKeyOf(byte[] scalar) throws GeneralSecurityException {
        KeyFactory factory = KeyFactory.getInstance("X25519");
        KeyAgreement agreement = KeyAgreement.getInstance("X25519");
        agreement.init(factory.generatePrivate(new XECPrivateKeySpec(X25519, scalar)));
        agreement.doPhase(factory.generatePublic(new XECPublicKeySpec(X25519, BigInteger.valueOf(9))), true);
        return agreement.generateSecret();
    }

    private static byte[] decode(String base64, Path file) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " does not hold a WireGuard key (base64 of 32 bytes, as `wg genkey` writes)");
        }
        if (key.length != 32) {
            throw new IllegalStateException(file + " holds " + key.length + " bytes, not the 32 of a WireGuard key");
        }
        return key;
    }
}
