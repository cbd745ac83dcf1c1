package io.corvus.wireguard.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A UDP socket through the FFM API, for what the JDK's {@code DatagramChannel} cannot do:
 * send many datagrams of one size to one address in one {@code sendmsg} ({@code UDP_SEGMENT}: the
 * kernel cuts them, UDP GSO) and take the datagrams one sender sent together ({@code UDP_GRO}),
 * with what else has arrived, in one {@code recvmmsg}. Where the kernel cannot, datagrams go one by one. Receives
 * block: call them from one platform thread. {@link #close} ends a receive in progress and frees
 * the descriptor only once no call uses it, so that no call reaches a descriptor number reused since.
 * It speaks IPv6 and IPv4 (an IPv6 socket that takes IPv4 as mapped addresses), or IPv4 alone on a
 * host without IPv6.
 */
final class UdpSocket implements AutoCloseable {

    /** The most one receive takes, and one send carries: an IPv4 datagram's largest payload (IPv6's is larger). */
    static final int MAX_BATCH = 65507;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int SO_RCVBUF = 8;
    private static final int SO_SNDBUFFORCE = 32;
    private static final int SO_RCVBUFFORCE = 33;
    /**
     * What the socket may hold each way (the size wireguard-go sets since 2023). The default (net.core.rmem_default,
     * 208 KB) holds a few of the 64 KB batches UDP GRO gives: while the receiving thread opened one,
     * the kernel dropped every eighth, and TCP inside resent 8 % of its segments (BENCHMARKS.md).
     */
    static final int SOCKET_BUFFER = 7 << 20;
    private static final int SOL_UDP = 17;
    private static final int UDP_SEGMENT = 103;
    private static final int UDP_GRO = 104;
    private static final int SHUT_RDWR = 2;
    private static final int EPIPE = 32;
    private static final int SOCKADDR_IN = 16;
    private static final int SOCKADDR_IN6 = 28;
    /** Room for either address, kept 8-aligned in arrays. */
    private static final int ADDRESS_SLOT = 32;
    private static final int MSGHDR = 56;
    /** A msghdr and the length received into it, padded. */
    private static final int MMSGHDR = 64;
    private static final int MSG_WAITFORONE = 0x10000;
    private static final int IOVEC = 16;
    private static final int CMSG_HEADER = 16;
    private static final int CONTROL = 64;
    private static final ValueLayout.OfShort NETWORK_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private static final MethodHandle SOCKET = Tun.libc("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = Tun.libc("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle BIND = Tun.libc("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = Tun.libc("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SENDMSG = Tun.libc("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMMSG = Tun.libc("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SHUTDOWN = Tun.libc("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = Tun.libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final int fd;
    private final int port;
    /** AF_INET6, or AF_INET on a host without IPv6. */
    private final int family;
    /** Off once the kernel refused a segmented send: every send after goes datagram by datagram. */
    private volatile boolean segmenting = true;
    private volatile boolean shut;
    /** Calls hold it shared while they use the descriptor; closing takes it whole. */
    private final ReadWriteLock using = new ReentrantReadWriteLock();

    private UdpSocket(int fd, int port, int family) {
        this.fd = fd;
        this.port = port;
        this.family = family;
    }

    /** A send the kernel refused for its destination (no route, a firewall, an address this host cannot reach): a drop, not a fault. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    /**
     * What one receive took: {@code length} bytes at {@code offset} of the inbox's data from
     * {@code from}, datagrams of {@code segmentSize} bytes each (the last may be shorter).
     */
    record Received(long offset, int length, InetSocketAddress from, int segmentSize) {
    }

    /** The receiving thread's native memory: {@link #SLOTS} receives' worth, taken by one {@code recvmmsg}. */
    static final class Inbox {
        static final int SLOTS = 8;
        final MemorySegment data;
        private final MemorySegment messages;
        private final MemorySegment addresses;
        private final MemorySegment controls;
        private final MemorySegment callState;

        Inbox(Arena arena) {
            data = arena.allocate((long) SLOTS * MAX_BATCH);
            messages = arena.allocate((long) SLOTS * MMSGHDR, 8);
            MemorySegment vectors = arena.allocate((long) SLOTS * IOVEC, 8);
            addresses = arena.allocate((long) SLOTS * ADDRESS_SLOT, 8);
            controls = arena.allocate((long) SLOTS * CONTROL, 8);
            callState = Tun.callState(arena);
            for (int slot = 0; slot < SLOTS; slot++) {
                MemorySegment vector = vectors.asSlice((long) slot * IOVEC, IOVEC);
                vector.set(ADDRESS, 0, data.asSlice((long) slot * MAX_BATCH, MAX_BATCH));
                vector.set(JAVA_LONG, 8, MAX_BATCH);
                MemorySegment message = messages.asSlice((long) slot * MMSGHDR, MMSGHDR);
                message.set(ADDRESS, 0, addresses.asSlice((long) slot * ADDRESS_SLOT, ADDRESS_SLOT));
                message.set(ADDRESS, 16, vector);
                message.set(JAVA_LONG, 24, 1);
                message.set(ADDRESS, 32, controls.asSlice((long) slot * CONTROL, CONTROL));
            }
        }

        /** The lengths the kernel overwrote on the last receive, back to the room there is. */
        private void reset() {
            for (int slot = 0; slot < SLOTS; slot++) {
                MemorySegment message = messages.asSlice((long) slot * MMSGHDR, MMSGHDR);
                message.set(JAVA_INT, 8, ADDRESS_SLOT);
                message.set(JAVA_LONG, 40, CONTROL);
                message.set(JAVA_INT, 48, 0);
            }
        }
    }

    /** The native memory of one sending thread: the data and the structures around it. */
    static final class Buffers {
        final MemorySegment data;
        private final MemorySegment message;
        private final MemorySegment vector;
        private final MemorySegment address;
        private final MemorySegment control;
        private final MemorySegment callState;

        Buffers(Arena arena) {
            data = arena.allocate(MAX_BATCH);
            message = arena.allocate(MSGHDR, 8);
            vector = arena.allocate(IOVEC, 8);
            address = arena.allocate(ADDRESS_SLOT, 8);
            control = arena.allocate(CONTROL, 8);
            callState = Tun.callState(arena);
        }
    }

    /**
     * A socket on this UDP port on every address, IPv6 and IPv4 (0: a port the system chooses),
     * taking datagrams together where the kernel can.
     *
     * @throws BindException when the port cannot be had (another socket holds it)
     */
    static UdpSocket bind(int port) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Tun.callState(arena);
            int family = AF_INET6;
            int fd = (int) SOCKET.invokeExact(state, family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) { // IPv6 is off on this host
                family = AF_INET;
                fd = (int) SOCKET.invokeExact(state, family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            }
            if (fd < 0) {
                throw Tun.failure("a UDP socket", state);
            }
            MemorySegment on = arena.allocateFrom(JAVA_INT, 1);
            int ignoredWithoutGro = (int) SETSOCKOPT.invokeExact(state, fd, SOL_UDP, UDP_GRO, on, 4); // older kernels: one by one
            MemorySegment bufferSize = arena.allocateFrom(JAVA_INT, SOCKET_BUFFER);
            for (int[] options : new int[][] {{SO_RCVBUFFORCE, SO_RCVBUF}, {SO_SNDBUFFORCE, SO_SNDBUF}}) {
                // past net.core.[rw]mem_max with CAP_NET_ADMIN, which a device's owner has; else as far as that allows
                if ((int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, options[0], bufferSize, 4) < 0) {
                    int ignoredCapped = (int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, options[1], bufferSize, 4);
                }
            }
            MemorySegment address = arena.allocate(ADDRESS_SLOT, 8);
            address.set(JAVA_SHORT, 0, (short) family);
            address.set(NETWORK_SHORT, 2, (short) port); // and any address of the family: zeros
            if (family == AF_INET6 && (int) SETSOCKOPT.invokeExact(state, fd, IPPROTO_IPV6, IPV6_V6ONLY,
                    arena.allocateFrom(JAVA_INT, 0), 4) < 0) {
                IOException failure = Tun.failure("IPv4 on the IPv6 UDP socket", state);
                int ignored = (int) CLOSE.invokeExact(state, fd);
                throw failure;
            }
            int addressLength = family == AF_INET6 ? SOCKADDR_IN6 : SOCKADDR_IN;
            if ((int) BIND.invokeExact(state, fd, address, addressLength) < 0) {
                // BindException: the control socket answers a port in use with EADDRINUSE
                BindException failure = new BindException("cannot listen on UDP port " + port + ": "
                        + Tun.failure("bind", state).getMessage());
                int ignored = (int) CLOSE.invokeExact(state, fd);
                throw failure;
            }
            MemorySegment length = arena.allocateFrom(JAVA_INT, ADDRESS_SLOT);
            if ((int) GETSOCKNAME.invokeExact(state, fd, address, length) < 0) {
                IOException failure = Tun.failure("the address of the UDP socket", state);
                int ignored = (int) CLOSE.invokeExact(state, fd);
                throw failure;
            }
            return new UdpSocket(fd, Short.toUnsignedInt(address.get(NETWORK_SHORT, 2)), family);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("calling libc failed", e);
        }
    }

    int port() {
        return port;
    }

    /**
     * Waits for datagrams and takes what has arrived, up to {@link Inbox#SLOTS} receives in one
     * {@code recvmmsg}, each the datagrams one sender sent together; null once the socket was closed.
     */
    List<Received> receive(Inbox inbox) throws IOException {
        int count;
        using.readLock().lock();
        try {
            if (shut) {
                return null;
            }
            inbox.reset();
            count = (int) RECVMMSG.invokeExact(inbox.callState, fd, inbox.messages, Inbox.SLOTS, MSG_WAITFORONE, MemorySegment.NULL);
        } catch (Throwable e) {
            throw new IllegalStateException("calling libc failed", e);
        } finally {
            using.readLock().unlock();
        }
        if (shut) {
            return null;
        }
        if (count < 0) {
            throw Tun.failure("receiving on UDP port " + port, inbox.callState);
        }
        List<Received> received = new ArrayList<>(count);
        for (int slot = 0; slot < count; slot++) {
            MemorySegment message = inbox.messages.asSlice((long) slot * MMSGHDR, MMSGHDR);
            int length = message.get(JAVA_INT, MSGHDR);
            MemorySegment control = inbox.controls.asSlice((long) slot * CONTROL, CONTROL);
            received.add(new Received((long) slot * MAX_BATCH, length, source(inbox.addresses.asSlice((long) slot * ADDRESS_SLOT, ADDRESS_SLOT)),
                    groSegmentSize(control, message.get(JAVA_LONG, 40), length)));
        }
        return received;
    }

    /** The size of the datagrams a receive took together, from its UDP_GRO control message; without one, a single datagram. */
    private static int groSegmentSize(MemorySegment control, long controlLength, int length) {
        for (long at = 0; at + CMSG_HEADER + 4 <= controlLength; at += (control.get(JAVA_LONG, at) + 7) & ~7L) {
            if (control.get(JAVA_INT, at + 8) == SOL_UDP && control.get(JAVA_INT, at + 12) == UDP_GRO) {
                return control.get(JAVA_INT, at + CMSG_HEADER);
            }
            if (control.get(JAVA_LONG, at) < CMSG_HEADER) {
                break;
            }
        }
        return Math.max(length, 1);
    }

    /**
     * Sends the first {@code length} bytes of {@code buffers.data} to {@code to}: datagrams of
     * {@code segmentSize} bytes each (the last may be shorter), or one datagram when it is zero.
     *
     * @throws Refused when the kernel would not send them to {@code to}
     * @throws ClosedChannelException when the socket was closed
     */
    void send(Buffers buffers, int length, InetSocketAddress to, int segmentSize) throws IOException {
        if (segmentSize > 0 && segmentSize < length && !segmenting) {
            sendEach(buffers, length, to, segmentSize);
            return;
        }
        boolean segmented = segmentSize > 0 && segmentSize < length;
        prepare(buffers, length, writeAddress(buffers.address, to), segmented ? CMSG_HEADER + 8 : 0);
        if (segmented) {
            buffers.control.set(JAVA_LONG, 0, CMSG_HEADER + 2);
            buffers.control.set(JAVA_INT, 8, SOL_UDP);
            buffers.control.set(JAVA_INT, 12, UDP_SEGMENT);
            buffers.control.set(JAVA_SHORT, CMSG_HEADER, (short) segmentSize);
        }
        long sent;
        using.readLock().lock();
        try {
            if (shut) {
                throw new ClosedChannelException();
            }
            sent = call(SENDMSG, buffers);
        } finally {
            using.readLock().unlock();
        }
        if (sent >= 0) {
            return;
        }
        int errno = Tun.errno(buffers.callState);
        if (shut || errno == EPIPE) {
            throw new ClosedChannelException();
        }
        String reason = Tun.failure("sending to " + to, buffers.callState).getMessage();
        if (!segmented) {
            throw new Refused(reason);
        }
        sendEach(buffers, length, to, segmentSize); // refused as well: the destination is the trouble, not the cutting
        segmenting = false; // this kernel or route cannot cut them: one by one from now on
        System.getLogger(UdpSocket.class.getName()).log(System.Logger.Level.INFO,
                "the kernel refused segmented UDP sends ({0}); datagrams go one by one", reason);
    }

    private void sendEach(Buffers buffers, int length, InetSocketAddress to, int segmentSize) throws IOException {
        MemorySegment all = buffers.data;
        for (int at = 0; at < length; at += segmentSize) {
            int size = Math.min(segmentSize, length - at);
            MemorySegment.copy(all, at, all, 0, size); // the datagrams before it were sent: its bytes may move to the front
            send(buffers, size, to, 0);
        }
    }

    /** Ends a receive in progress (shutdown wakes it), fails sends from now on, and frees the descriptor once no call uses it. */
    @Override
    public void close() {
        if (shut) {
            return;
        }
        shut = true;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Tun.callState(arena);
            int ignored = (int) SHUTDOWN.invokeExact(state, fd, SHUT_RDWR);
            using.writeLock().lock();
            try {
                ignored = (int) CLOSE.invokeExact(state, fd);
            } finally {
                using.writeLock().unlock();
            }
        } catch (Throwable e) {
            throw new IllegalStateException("calling libc failed", e);
        }
    }

    private static void prepare(Buffers buffers, long dataLength, int addressLength, long controlLength) {
        buffers.vector.set(ADDRESS, 0, buffers.data);
        buffers.vector.set(JAVA_LONG, 8, dataLength);
        MemorySegment message = buffers.message;
        message.set(ADDRESS, 0, buffers.address);
        message.set(JAVA_INT, 8, addressLength);
        message.set(ADDRESS, 16, buffers.vector);
        message.set(JAVA_LONG, 24, 1);
        message.set(ADDRESS, 32, controlLength == 0 ? MemorySegment.NULL : buffers.control);
        message.set(JAVA_LONG, 40, controlLength);
        message.set(JAVA_INT, 48, 0);
    }

    private long call(MethodHandle handle, Buffers buffers) {
        try {
            return (long) handle.invokeExact(buffers.callState, fd, buffers.message, 0);
        } catch (Throwable e) {
            throw new IllegalStateException("calling libc failed", e);
        }
    }

    /** Writes {@code to} as this socket's family has it (IPv4 mapped into IPv6) and returns the address's length. */
    private int writeAddress(MemorySegment address, InetSocketAddress to) throws Refused {
        byte[] octets = to.getAddress().getAddress();
        address.fill((byte) 0);
        address.set(JAVA_SHORT, 0, (short) family);
        address.set(NETWORK_SHORT, 2, (short) to.getPort());
        if (family == AF_INET) {
            if (octets.length != 4) {
                throw new Refused("cannot send to " + to + ": IPv6 is off on this host");
            }
            MemorySegment.copy(octets, 0, address, JAVA_BYTE, 4, 4);
            return SOCKADDR_IN;
        }
        if (octets.length == 4) {
            address.set(NETWORK_SHORT, 18, (short) 0xffff); // ::ffff:a.b.c.d
            MemorySegment.copy(octets, 0, address, JAVA_BYTE, 20, 4);
        } else {
            MemorySegment.copy(octets, 0, address, JAVA_BYTE, 8, 16);
            address.set(JAVA_INT, 24, ((Inet6Address) to.getAddress()).getScopeId());
        }
        return SOCKADDR_IN6;
    }

    /** The sender of a datagram; an IPv4 sender as IPv4, mapped or not. */
    private static InetSocketAddress source(MemorySegment address) {
        int port = Short.toUnsignedInt(address.get(NETWORK_SHORT, 2));
        try {
            if (address.get(JAVA_SHORT, 0) == AF_INET) {
                return new InetSocketAddress(InetAddress.getByAddress(address.asSlice(4, 4).toArray(JAVA_BYTE)), port);
            }
            byte[] octets = address.asSlice(8, 16).toArray(JAVA_BYTE);
            InetAddress sender = InetAddress.getByAddress(octets); // an IPv4-mapped address comes back as IPv4
            int scope = address.get(JAVA_INT, 24);
            return new InetSocketAddress(sender instanceof Inet6Address && scope != 0 ? Inet6Address.getByAddress(null, octets, scope)
                    : sender, port);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("4 or 16 bytes are an IP address", impossible);
        }
    }
}
