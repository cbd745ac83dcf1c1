package io.corvus.wireguard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Supplier;

import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

/**
 * Which {@link TransportCipher} the sessions of this process use, chosen once. The JDK's
 * ChaCha20-Poly1305 is always there, but its JCA interface initialises the cipher for every message
 * (keystream for the Poly1305 key and a first kilobyte), which is more than half of a full packet's
 * cipher work (BENCHMARKS.md). Faster ciphers are found through {@link ServiceLoader} (the
 * {@code openssl} package: the system's OpenSSL libcrypto through the FFM API). The setting
 * {@value #PROPERTY} (a system property) is {@code auto} (the first cipher found that loads, else
 * the JDK's), {@code jdk}, or another cipher's name, which must load.
 */
public final class TransportCiphers {

    public static final String PROPERTY = "corvus.wireguard.transport-cipher";
    private static final TransportCipher JDK = new Jdk();

    /** The cipher chosen and why, for the logs. */
    public record Choice(TransportCipher cipher, String reason) {
    }

    private static Choice chosen;

    private TransportCiphers() {
    }

    /**
     * The cipher this process's sessions use, chosen at the first call from the setting {@value #PROPERTY}
     * (once per session, so a lock costs nothing).
     *
     * @throws IllegalArgumentException when the setting names a cipher that is not there or cannot load
     */
    public static synchronized Choice chosen() {
        if (chosen == null) {
            chosen = choose(System.getProperty(PROPERTY, "auto"), discovered());
        }
        return chosen;
    }

    /** The JDK's ChaCha20-Poly1305, which every other cipher must agree with. */
    public static TransportCipher jdk() {
        return JDK;
    }

    /** Every cipher that loads here, the JDK's first: what bench/cipher.sh compares. */
    public static List<TransportCipher> loadable() {
        List<TransportCipher> loadable = new ArrayList<>(List.of(JDK));
        for (Supplier<TransportCipher> candidate : discovered()) {
            TransportCipher cipher = load(candidate, new ArrayList<>()); // why one does not load, chosen() says
            if (cipher != null) {
                loadable.add(cipher);
            }
        }
        return loadable;
    }

    /**
     * The choice for {@code setting} among {@code candidates} (each made when asked; one that
     * cannot load throws and says why).
     *
     * @throws IllegalArgumentException when the setting names a cipher that is not there or cannot load
     */
    static Choice choose(String setting, List<Supplier<TransportCipher>> candidates) {
        String wanted = setting.strip().toLowerCase(Locale.ROOT);
        if (wanted.equals(JDK.name())) {
            return new Choice(JDK, PROPERTY + "=" + setting);
        }
        List<String> refusals = new ArrayList<>();
        for (Supplier<TransportCipher> candidate : candidates) {
            TransportCipher cipher = load(candidate, refusals);
            if (cipher != null && (wanted.equals("auto") || wanted.equals(cipher.name()))) {
                return new Choice(cipher, wanted.equals("auto") ? "the fastest found" : PROPERTY + "=" + setting);
            }
        }
        if (!wanted.equals("auto")) {
            throw new IllegalArgumentException(PROPERTY + "=" + setting + ": no such transport cipher loads here"
                    + (refusals.isEmpty() ? "" : " (" + String.join("; ", refusals) + ")")
                    + "; say auto, jdk, or the name of one that loads");
        }
        return new Choice(JDK, refusals.isEmpty() ? "no other was found" : "no other loads: " + String.join("; ", refusals));
    }

    /**
     * The candidate made, or null when it cannot load: then what the cipher itself said (not the
     * wrappers of the loader or of a class's initialisation) is added to {@code refusals}.
     */
    private static TransportCipher load(Supplier<TransportCipher> candidate, List<String> refusals) {
        try {
            return candidate.get();
        } catch (RuntimeException | ServiceConfigurationError | LinkageError cannotLoad) {
            Throwable cause = cannotLoad;
            while ((cause instanceof ServiceConfigurationError || cause instanceof ExceptionInInitializerError) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            refusals.add(String.valueOf(cause.getMessage()));
            return null;
        }
    }

    private static List<Supplier<TransportCipher>> discovered() {
        List<Supplier<TransportCipher>> candidates = new ArrayList<>();
        ServiceLoader.load(TransportCipher.class, TransportCiphers.class.getClassLoader()).stream()
                .forEach(provider -> candidates.add(provider::get));
        return candidates;
    }

    /** The JDK's ChaCha20-Poly1305 through the JCA: one {@code Cipher} per thread, initialised for each message. */
    private static final class Jdk implements TransportCipher {

        private static final byte[] NOTHING = new byte[0];

        @Override
        public String name() {
            return "jdk";
        }

        @Override
        public String description() {
            return "the JDK's ChaCha20-Poly1305 (Java " + Runtime.version() + ")";
        }

        @Override
        public SessionKey key(byte[] raw) {
            SecretKey key = Primitives.aeadKey(raw);
            return new SessionKey() {
                @Override
                public void seal(long counter, byte[] buffer, int offset, int length) {
                    Primitives.sealInPlace(key, counter, buffer, offset, length, NOTHING);
                }

                @Override
                public int open(long counter, byte[] buffer, int offset, int length) throws AEADBadTagException {
                    return Primitives.openInPlace(key, counter, buffer, offset, length, NOTHING);
                }
            };
        }
    }
}
