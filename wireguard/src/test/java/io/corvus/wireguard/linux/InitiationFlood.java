package io.corvus.wireguard.linux;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.corvus.wireguard.Cookies;
import io.corvus.wireguard.Handshake;
import io.corvus.wireguard.Identity;
import io.corvus.wireguard.Timestamps;

/**
 * A flood of initiations for {@link CookieInteropIT}: one initiation with a valid mac1 for the
 * target's key, from a key the target does not know, sent again and again at about
 * {@code per-second} a second until stopped; it says when the first cookie reply comes back. Arguments: address, port, target public key (base64), per-second.
 */
public final class InitiationFlood {

    private InitiationFlood() {
    }

    /** Says so once the target answers with a cookie reply: it is under load. */
    private static void reportTheFirstCookieReply(DatagramSocket socket) {
        byte[] buffer = new byte[128];
        try {
            while (true) {
                DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                socket.receive(reply);
                if (reply.getLength() == Cookies.REPLY_LENGTH && buffer[0] == 3) {
                    System.out.println("the target answers with cookie replies");
                    return;
                }
            }
        } catch (java.io.IOException closed) {
            // the flood stopped
        }
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        byte[] initiation = Handshake.initiate(Identity.generate(), Identity.decodeKey(args[2], "public key"), null, 1,
                Timestamps.tai64n(Instant.now())).message();
        long gap = TimeUnit.SECONDS.toNanos(1) / Integer.parseInt(args[3]);
        try (DatagramSocket socket = new DatagramSocket()) {
            DatagramPacket packet = new DatagramPacket(initiation, initiation.length, target);
            Thread.ofVirtual().start(() -> reportTheFirstCookieReply(socket));
            while (true) {
                socket.send(packet);
                LockSupport.parkNanos(gap); // the flood's pace, not a wait for anything
            }
        }
    }
}
