package io.corvus.wireguard;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * A WireGuard peer played by the test JVM over a real UDP socket, with the protocol classes
 * themselves: what the interoperability tests use to talk to wireguard-go or to the Java device.
 * Every exchange sends again until it is answered (a datagram may be lost on a busy machine), and
 * waits for its answer, not for an assumed time.
 */
public final class HostPeer implements AutoCloseable {

    /** How long one try waits for its answer before it sends again. */
    private static final Duration TRY = Duration.ofSeconds(1);
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final DatagramSocket socket;
    private final Identity identity;

    public HostPeer(String address, Identity identity) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(address, 0));
        this.identity = identity;
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** A session with the peer at {@code to}: an initiation (a new one each try) until a response completes one. */
    public Session connect(byte[] peerPublicKey, byte[] presharedKey, InetSocketAddress to) throws Exception {
        Answered answered = initiateUntilAnswered(peerPublicKey, presharedKey, to, 1);
        return answered.initiator().complete(answered.response());
    }

    /** An initiation and the response that answered it. */
    public record Answered(Handshake.Initiator initiator, byte[] response) {
    }

    /**
     * Initiations to the peer at {@code to} until one is answered: a new one each try, with its own
     * index from {@code firstIndex} on, so that a late response to an earlier try is not taken for it.
     */
    public Answered initiateUntilAnswered(byte[] peerPublicKey, byte[] presharedKey, InetSocketAddress to, int firstIndex)
            throws Exception {
        Instant deadline = Instant.now().plus(PATIENCE);
        for (int index = firstIndex; Instant.now().isBefore(deadline); index++) {
            Handshake.Initiator initiator = Handshake.initiate(identity, peerPublicKey, presharedKey, index, Timestamps.tai64n(Instant.now()));
            send(initiator.message(), to);
            byte[] response = receive(datagram -> datagram[0] == Handshake.TYPE_RESPONSE && datagram.length >= 12
                    && ByteBuffer.wrap(datagram).order(ByteOrder.LITTLE_ENDIAN).getInt(8) == initiator.localIndex());
            if (response != null) {
                return new Answered(initiator, response);
            }
        }
        throw new IllegalStateException("no response from " + to + " in " + PATIENCE);
    }

    /**
     * Sends {@code packet} through the session until a packet it carries back satisfies {@code answer};
     * returns that packet (padding included). Messages of other sessions and keepalives are passed over.
     */
    public byte[] exchange(Session session, byte[] packet, InetSocketAddress to, Predicate<byte[]> answer) throws Exception {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            send(session.seal(Packet.of(packet)).toArray(), to);
            byte[][] carried = new byte[1][];
            receive(datagram -> {
                carried[0] = datagram[0] == Session.TYPE_TRANSPORT ? openOrEmpty(session, datagram) : new byte[0];
                return answer.test(carried[0]);
            });
            if (carried[0] != null && answer.test(carried[0])) {
                return carried[0];
            }
        }
        throw new IllegalStateException("no answer through the session from " + to + " in " + PATIENCE);
    }

    public void send(byte[] datagram, InetSocketAddress to) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, to));
    }

    /** The next datagram that satisfies {@code wanted}, within one try's wait; null if none came. */
    public byte[] receive(Predicate<byte[]> wanted) throws IOException {
        byte[] buffer = new byte[65536];
        Instant end = Instant.now().plus(TRY);
        while (Instant.now().isBefore(end)) {
            socket.setSoTimeout((int) Math.max(1, Duration.between(Instant.now(), end).toMillis()));
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException quiet) {
                return null;
            }
            byte[] datagram = Arrays.copyOf(buffer, packet.getLength());
            if (datagram.length > 0 && wanted.test(datagram)) {
                return datagram;
            }
        }
        return null;
    }

    /** What the session opens from {@code message}; nothing for a message of another session or one it drops. */
    public static byte[] openOrEmpty(Session session, byte[] message) {
        try {
            return session.open(Packet.of(message)).toArray();
        } catch (Rejected notForThisSession) {
            return new byte[0];
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
