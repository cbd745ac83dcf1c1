package io.corvus.wireguard.openssl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.corvus.wireguard.TransportCipher;

/**
 * ChaCha20-Poly1305 from the system's OpenSSL 3 ({@code libcrypto.so.3}) through the FFM API, for
 * transport messages. OpenSSL sets a context up for a new key and nonce in tens of nanoseconds, where
 * the JDK's JCA cipher computes two kilobytes of keystream at each initialisation; for a full-size
 * packet that is most of the difference (bench/cipher.sh). One OpenSSL context per thread, freed when
 * its thread is gone; messages are sealed and opened in their Java arrays by critical calls (the
 * garbage collector waits for the few hundred nanoseconds of each). Before it is used, its output is
 * checked against the JDK's, so a libcrypto that computes something else is refused, not trusted.
 */
public final class OpenSslTransportCipher implements TransportCipher {

    private static final int EVP_CTRL_AEAD_GET_TAG = 0x10;
    private static final int EVP_CTRL_AEAD_SET_TAG = 0x11;
    private static final int TAG_LENGTH = 16;
    private static final long OPENSSL_3 = 0x3000_0000L;
    private static final VarHandle LONG_LITTLE_ENDIAN = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final Cleaner CLEANER = Cleaner.create();
    private static final Library LIBRARY;
    private static final String UNAVAILABLE;

    static {
        Library library = null;
        String unavailable = null;
        try {
            library = Library.load();
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            // no libcrypto.so.3, or it lacks what is needed; or a platform whose native calls FFM does not support
            unavailable = "OpenSSL's libcrypto 3 cannot be used here: " + e.getMessage();
        }
        LIBRARY = library;
        UNAVAILABLE = unavailable;
    }

    private final ThreadLocal<Context> contexts = ThreadLocal.withInitial(Context::new);

    /**
     * @throws IllegalStateException when there is no libcrypto 3 with ChaCha20-Poly1305, or it does
     *     not seal and open as the JDK does
     */
    public OpenSslTransportCipher() {
        if (LIBRARY == null) {
            throw new IllegalStateException(UNAVAILABLE);
        }
        agreesWithTheJdk();
    }

    @Override
    public String name() {
        return "openssl";
    }

    @Override
    public String description() {
        return LIBRARY.version() + "'s ChaCha20-Poly1305 (libcrypto.so.3)";
    }

    @Override
    public SessionKey key(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("a ChaCha20-Poly1305 key is 32 bytes, not " + raw.length);
        }
        MemorySegment key = MemorySegment.ofArray(raw.clone());
        return new SessionKey() {
            @Override
            public void seal(long counter, byte[] buffer, int offset, int length) {
                contexts.get().seal(key, counter, buffer, offset, length);
            }

            @Override
            public int open(long counter, byte[] buffer, int offset, int length) throws AEADBadTagException {
                return contexts.get().open(key, counter, buffer, offset, length);
            }
        };
    }

    /**
     * Seals and opens messages of several lengths (none, within a block, across blocks, a full
     * packet) with both and compares; a changed byte must fail to open.
     */
    private void agreesWithTheJdk() {
        byte[] raw = pattern(32, 7);
        SessionKey key = key(raw);
        long counter = 0x0102_0304_0506_0708L;
        for (int length : new int[] {0, 1, 63, 64, 65, 1424}) {
            byte[] plaintext = pattern(length, 31);
            byte[] ours = Arrays.copyOf(plaintext, length + TAG_LENGTH);
            key.seal(counter, ours, 0, length);
            byte[] jdks = sealedByTheJdk(raw, counter, plaintext);
            if (!Arrays.equals(ours, jdks)) {
                throw new IllegalStateException(description() + " sealed " + length + " bytes as "
                        + HexFormat.of().formatHex(ours, 0, Math.min(ours.length, 32)) + "…, the JDK as "
                        + HexFormat.of().formatHex(jdks, 0, Math.min(jdks.length, 32)) + "…: it is not used");
            }
            try {
                if (key.open(counter, jdks, 0, jdks.length) != length || !Arrays.equals(jdks, 0, length, plaintext, 0, length)) {
                    throw new IllegalStateException(description() + " opened the JDK's message of " + length + " bytes wrongly: it is not used");
                }
            } catch (AEADBadTagException e) {
                throw new IllegalStateException(description() + " refused the JDK's message of " + length + " bytes: it is not used");
            }
            byte[] forged = sealedByTheJdk(raw, counter, plaintext);
            forged[forged.length - 1] ^= 1;
            try {
                key.open(counter, forged, 0, forged.length);
                throw new IllegalStateException(description() + " opened a forged message of " + length + " bytes: it is not used");
            } catch (AEADBadTagException expected) {
                // as it should
            }
        }
    }

    private static byte[] pattern(int length, int step) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (step * i + 1);
        }
        return bytes;
    }

    private static byte[] sealedByTheJdk(byte[] key, long counter, byte[] plaintext) {
        try {
            Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce(counter)));
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's ChaCha20-Poly1305, to check OpenSSL's against, failed: " + e.getMessage(), e);
        }
    }

    /** 32 zero bits, then the counter little-endian (paper, 5.4.6). */
    private static byte[] nonce(long counter) {
        byte[] nonce = new byte[12];
        LONG_LITTLE_ENDIAN.set(nonce, 4, counter);
        return nonce;
    }

    /** One thread's OpenSSL context with the cipher set, and the arrays its calls write to. */
    private static final class Context {

        private final MemorySegment context;
        private final byte[] nonceBytes = new byte[12];
        private final MemorySegment nonce = MemorySegment.ofArray(nonceBytes);
        private final MemorySegment written = MemorySegment.ofArray(new int[1]);

        Context() {
            context = LIBRARY.newContext();
            MemorySegment owned = context;
            CLEANER.register(this, () -> LIBRARY.freeContext(owned));
        }

        void seal(MemorySegment key, long counter, byte[] buffer, int offset, int length) {
            LONG_LITTLE_ENDIAN.set(nonceBytes, 4, counter);
            MemorySegment message = MemorySegment.ofArray(buffer);
            MemorySegment text = message.asSlice(offset, length);
            MemorySegment tag = message.asSlice(offset + length, TAG_LENGTH);
            try {
                succeeded((int) LIBRARY.init().invokeExact(context, MemorySegment.NULL, MemorySegment.NULL, key, nonce, 1),
                        "EVP_CipherInit_ex");
                succeeded((int) LIBRARY.update().invokeExact(context, text, written, text, length), "EVP_CipherUpdate");
                succeeded((int) LIBRARY.finish().invokeExact(context, tag, written), "EVP_CipherFinal_ex");
                succeeded((int) LIBRARY.control().invokeExact(context, EVP_CTRL_AEAD_GET_TAG, TAG_LENGTH, tag), "EVP_CTRL_AEAD_GET_TAG");
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("calling libcrypto failed", e);
            }
        }

        int open(MemorySegment key, long counter, byte[] buffer, int offset, int length) throws AEADBadTagException {
            int textLength = length - TAG_LENGTH;
            if (textLength < 0) {
                throw new AEADBadTagException("a sealed message is at least its " + TAG_LENGTH + "-byte tag, this is " + length + " bytes");
            }
            LONG_LITTLE_ENDIAN.set(nonceBytes, 4, counter);
            MemorySegment message = MemorySegment.ofArray(buffer);
            MemorySegment text = message.asSlice(offset, textLength);
            MemorySegment tag = message.asSlice(offset + textLength, TAG_LENGTH);
            int verified;
            try {
                succeeded((int) LIBRARY.init().invokeExact(context, MemorySegment.NULL, MemorySegment.NULL, key, nonce, 0),
                        "EVP_CipherInit_ex");
                succeeded((int) LIBRARY.control().invokeExact(context, EVP_CTRL_AEAD_SET_TAG, TAG_LENGTH, tag), "EVP_CTRL_AEAD_SET_TAG");
                succeeded((int) LIBRARY.update().invokeExact(context, text, written, text, textLength), "EVP_CipherUpdate");
                verified = (int) LIBRARY.finish().invokeExact(context, tag, written);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("calling libcrypto failed", e);
            }
            if (verified != 1) {
                throw new AEADBadTagException("tag mismatch");
            }
            return textLength;
        }

        private static void succeeded(int result, String call) {
            if (result != 1) {
                throw new IllegalStateException("OpenSSL's " + call + " failed (" + result + ") on ChaCha20-Poly1305");
            }
        }
    }

    /**
     * The calls into libcrypto and the cipher fetched once. Its fields are a record's, so the JIT
     * treats the handles as constants. The calls on messages are critical: no upcall, heap arrays
     * passed where they lie.
     */
    private record Library(String version, MemorySegment cipher, MethodHandle newContextCall, MethodHandle freeContextCall,
            MethodHandle init, MethodHandle update, MethodHandle finish, MethodHandle control) {

        static Library load() {
            Linker linker = Linker.nativeLinker();
            SymbolLookup crypto = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
            try {
                long versionNumber = (long) call(linker, crypto, "OpenSSL_version_num", FunctionDescriptor.of(JAVA_LONG)).invokeExact();
                if (versionNumber < OPENSSL_3) {
                    throw new IllegalStateException("libcrypto.so.3 says its version is 0x" + Long.toHexString(versionNumber) + ", not 3 or later");
                }
                MemorySegment text = (MemorySegment) call(linker, crypto, "OpenSSL_version",
                        FunctionDescriptor.of(ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256, JAVA_BYTE)), JAVA_INT)).invokeExact(0);
                String[] words = text.getString(0).split(" ");
                String version = words.length >= 2 ? words[0] + " " + words[1] : text.getString(0); // "OpenSSL 3.0.19", without its date
                MemorySegment cipher;
                try (Arena arena = Arena.ofConfined()) {
                    cipher = (MemorySegment) call(linker, crypto, "EVP_CIPHER_fetch", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS))
                            .invokeExact(MemorySegment.NULL, arena.allocateFrom("ChaCha20-Poly1305"), MemorySegment.NULL);
                }
                if (cipher.equals(MemorySegment.NULL)) {
                    throw new IllegalStateException(version + " has no ChaCha20-Poly1305 (a FIPS-only configuration?)");
                }
                Linker.Option critical = Linker.Option.critical(true);
                return new Library(version, cipher,
                        call(linker, crypto, "EVP_CIPHER_CTX_new", FunctionDescriptor.of(ADDRESS)),
                        call(linker, crypto, "EVP_CIPHER_CTX_free", FunctionDescriptor.ofVoid(ADDRESS)),
                        call(linker, crypto, "EVP_CipherInit_ex", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT),
                                critical),
                        call(linker, crypto, "EVP_CipherUpdate", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT),
                                critical),
                        call(linker, crypto, "EVP_CipherFinal_ex", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), critical),
                        call(linker, crypto, "EVP_CIPHER_CTX_ctrl", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), critical));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("calling libcrypto failed: " + e, e);
            }
        }

        private static MethodHandle call(Linker linker, SymbolLookup crypto, String name, FunctionDescriptor descriptor,
                Linker.Option... options) {
            MemorySegment symbol = crypto.find(name).orElseThrow(() -> new IllegalStateException("libcrypto.so.3 has no " + name));
            return linker.downcallHandle(symbol, descriptor, options);
        }

        /** A context with the cipher set, for encryption until a message says otherwise. */
        MemorySegment newContext() {
            try {
                MemorySegment context = (MemorySegment) newContextCall.invokeExact();
                if (context.equals(MemorySegment.NULL)) {
                    throw new IllegalStateException("OpenSSL could not allocate a cipher context");
                }
                if ((int) init.invokeExact(context, cipher, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, 1) != 1) {
                    freeContext(context);
                    throw new IllegalStateException("OpenSSL's EVP_CipherInit_ex refused ChaCha20-Poly1305");
                }
                return context;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("calling libcrypto failed", e);
            }
        }

        void freeContext(MemorySegment context) {
            try {
                freeContextCall.invokeExact(context);
            } catch (Throwable e) {
                throw new IllegalStateException("calling libcrypto failed", e);
            }
        }
    }
}
