package io.corvus.wireguard.bench;

import java.util.Arrays;

import javax.crypto.AEADBadTagException;

import io.corvus.wireguard.TransportCipher;
import io.corvus.wireguard.TransportCiphers;

/**
 * A transport "cipher" that encrypts nothing: it writes a zero tag and opens every message unchecked.
 * Only bench/wireguard.sh uses it, to measure what the device's path costs without its cipher
 * ({@code java_without_cipher}): the bench lists it as a service in a directory of its own that only
 * that pair's class path holds. It refuses to load unless the setting {@value TransportCiphers#PROPERTY}
 * names it, so {@code auto} never takes it.
 */
public final class NoTransportCipher implements TransportCipher {

    static final String NAME = "none-bench-only";
    private static final int TAG_LENGTH = 16;

    public NoTransportCipher() {
        if (!NAME.equals(System.getProperty(TransportCiphers.PROPERTY))) {
            throw new IllegalStateException(NAME + " encrypts nothing: it loads only when " + TransportCiphers.PROPERTY + " names it");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "no cipher at all (a bench's measure of the device without encryption)";
    }

    @Override
    public SessionKey key(byte[] raw) {
        return new SessionKey() {
            @Override
            public void seal(long counter, byte[] buffer, int offset, int length) {
                Arrays.fill(buffer, offset + length, offset + length + TAG_LENGTH, (byte) 0);
            }

            @Override
            public int open(long counter, byte[] buffer, int offset, int length) throws AEADBadTagException {
                if (length < TAG_LENGTH) {
                    throw new AEADBadTagException("shorter than a tag");
                }
                return length - TAG_LENGTH;
            }
        };
    }
}
