package io.corvus.wireguard.bench;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.corvus.wireguard.Session;
import io.corvus.wireguard.TransportCipher;
import io.corvus.wireguard.TransportCiphers;

/**
 * What a transport message's cipher costs on one core (bench/cipher.sh), for each cipher that
 * loads here (the JDK's, and OpenSSL's where libcrypto 3 is): nanoseconds to seal, and to open, a
 * message carrying nothing (a keepalive: the cipher's per-message set-up alone) and a full packet
 * (1,424 bytes: a packet at the device's MTU of 1,420, padded to 16 as WireGuard does), each in an
 * array of its own shaped as the device shapes it. Prints name=value lines, then each cipher's time
 * for a full packet against the JDK's. Arguments: [seconds per figure, default 3].
 */
public final class CipherBench {

    private static final int FULL_PACKET = 1424;

    private CipherBench() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        // The JDK's cipher is measured last: once its AVX-512 intrinsics had run, OpenSSL's
        // ChaCha20-Poly1305 in the same process took 2.4-3.1 µs a full packet instead of 1.0-1.1 in some runs
        // (2026-12-06; never with -XX:UseAVX=2 or either intrinsic off), which made every cipher after it look slow.
        System.out.println("chosen_by_default=" + TransportCiphers.chosen().cipher().name());
        Map<String, double[]> fullPacket = new LinkedHashMap<>();
        for (TransportCipher cipher : TransportCiphers.loadable().reversed()) {
            String name = cipher.name();
            System.out.println("cipher_" + name + "=" + cipher.description());
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            TransportCipher.SessionKey sender = cipher.key(key);
            TransportCipher.SessionKey receiver = cipher.key(key);
            double[] empty = null;
            for (int length : new int[] {0, FULL_PACKET}) {
                measure(sender, receiver, length, seconds); // warm-up: the JIT and its intrinsics
                double[] nanos = measure(sender, receiver, length, seconds);
                System.out.printf(Locale.ROOT, "seal_ns_%d_%s=%.0f%nopen_ns_%d_%s=%.0f%n", length, name, nanos[0], length, name, nanos[1]);
                if (length == 0) {
                    empty = nanos;
                    continue;
                }
                System.out.printf(Locale.ROOT, "seal_gbps_%d_%s=%.2f%n", length, name, length * 8 / nanos[0]);
                System.out.printf(Locale.ROOT, "setup_share_of_seal_%d_%s=%.2f%nsetup_share_of_open_%d_%s=%.2f%n", length, name,
                        empty[0] / nanos[0], length, name, empty[1] / nanos[1]);
                fullPacket.put(name, nanos);
            }
        }
        double[] jdk = fullPacket.remove(TransportCiphers.jdk().name());
        fullPacket.forEach((name, nanos) -> System.out.printf(Locale.ROOT, "time_%s_vs_jdk_seal_%d=%.2f%ntime_%s_vs_jdk_open_%d=%.2f%n",
                name, FULL_PACKET, nanos[0] / jdk[0], name, FULL_PACKET, nanos[1] / jdk[1]));
    }

    /** Nanoseconds per sealed and per opened message of {@code length} bytes, as means over about {@code seconds} each. */
    private static double[] measure(TransportCipher.SessionKey sender, TransportCipher.SessionKey receiver, int length, double seconds)
            throws Exception {
        int batch = 1000;
        int header = Session.HEADER_LENGTH;
        byte[][] messages = new byte[batch][];
        long counter = 0;
        long sealed = 0;
        long sealing = 0;
        long opening = 0;
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            long start = System.nanoTime();
            for (int i = 0; i < batch; i++) {
                byte[] message = new byte[Session.MESSAGE_ROOM.arrayLength(length)];
                sender.seal(counter + i, message, header, length);
                messages[i] = message;
            }
            long middle = System.nanoTime();
            for (int i = 0; i < batch; i++) {
                receiver.open(counter + i, messages[i], header, length + 16);
            }
            sealing += middle - start;
            opening += System.nanoTime() - middle;
            sealed += batch;
            counter += batch;
        }
        return new double[] {(double) sealing / sealed, (double) opening / sealed};
    }
}
