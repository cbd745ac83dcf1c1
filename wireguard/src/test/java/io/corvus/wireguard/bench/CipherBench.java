package io.corvus.wireguard.bench;

import java.time.Instant;
import java.util.Locale;

import io.corvus.wireguard.Handshake;
import io.corvus.wireguard.Identity;
import io.corvus.wireguard.Packet;
import io.corvus.wireguard.Session;
import io.corvus.wireguard.Timestamps;

/**
 * What the device's cipher costs per transport message on one core (bench/cipher.sh): a session
 * from a real handshake seals, and its peer opens, messages carrying nothing (a keepalive) and
 * full packets (1,424 bytes: a packet at the device's MTU of 1,420, padded to 16 as WireGuard does),
 * each in its own array as the device does it. The empty message is the cost of the JDK's
 * per-message set-up alone; the ratio of the two says how much of a full packet's cipher work
 * that set-up is. Prints name=value lines. Arguments: [seconds per figure, default 3].
 */
public final class CipherBench {

    private static final int FULL_PACKET = 1424;

    private CipherBench() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Session[] pair = sessions();
        double[] empty = null;
        for (int length : new int[] {0, FULL_PACKET}) {
            measure(pair, length, seconds); // warm-up: the JIT and its intrinsics
            double[] nanos = measure(pair, length, seconds);
            System.out.printf(Locale.ROOT, "seal_ns_%d=%.0f%nopen_ns_%d=%.0f%n", length, nanos[0], length, nanos[1]);
            if (length == 0) {
                empty = nanos;
            } else {
                System.out.printf(Locale.ROOT, "seal_gbps_%d=%.2f%n", length, length * 8 / nanos[0]);
                System.out.printf(Locale.ROOT, "setup_share_of_seal_%d=%.2f%nsetup_share_of_open_%d=%.2f%n", length, empty[0] / nanos[0],
                        length, empty[1] / nanos[1]);
            }
        }
    }

    /** Nanoseconds per sealed and per opened message of {@code length} bytes, as means over about {@code seconds} each. */
    private static double[] measure(Session[] pair, int length, double seconds) throws Exception {
        int batch = 1000;
        byte[][] messages = new byte[batch][];
        long sealed = 0;
        long sealing = 0;
        long opening = 0;
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            long start = System.nanoTime();
            for (int i = 0; i < batch; i++) {
                messages[i] = pair[0].seal(Packet.allocate(length, Session.MESSAGE_ROOM));
            }
            long middle = System.nanoTime();
            for (byte[] message : messages) {
                pair[1].open(message);
            }
            sealing += middle - start;
            opening += System.nanoTime() - middle;
            sealed += batch;
        }
        return new double[] {(double) sealing / sealed, (double) opening / sealed};
    }

    private static Session[] sessions() throws Exception {
        Identity alice = Identity.generate();
        Identity bob = Identity.generate();
        byte[] psk = new byte[32];
        Handshake.Initiator initiator = Handshake.initiate(alice, bob.publicKey(), psk, 1, Timestamps.tai64n(Instant.now()));
        Handshake.Reply reply = Handshake.receive(bob, initiator.message()).respond(psk, 2);
        return new Session[] {initiator.complete(reply.message()), reply.session()};
    }
}
