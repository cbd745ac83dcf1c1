package io.corvus.wireguard.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A Linux TUN device through the FFM API (no JNI to build): {@code open("/dev/net/tun")} and
 * {@code ioctl(TUNSETIFF)} for a layer-3 device without packet information but with a virtio-net
 * header before each packet ({@code IFF_VNET_HDR}), and offloads on ({@code TUNSETOFFLOAD}: partial
 * checksums, TCP segments over IPv4 and IPv6 up to 64 KB), so that one {@code read} or {@code write} carries
 * what would be dozens of packets ({@link io.corvus.wireguard.Offload} cuts and joins them). The
 * device exists while this object is open. Reads block: call them from one platform thread of their
 * own (a blocking native call would pin a virtual thread's carrier).
 */
public final class Tun implements AutoCloseable {

    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_VNET_HDR = 0x4000;
    private static final long TUNSETOFFLOAD = 0x400454d0L;
    private static final int TUN_F_CSUM = 0x01;
    private static final int TUN_F_TSO4 = 0x02;
    private static final int TUN_F_TSO6 = 0x04;
    private static final long SIOCSIFMTU = 0x8922L;
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = libc("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle IOCTL = libc("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_VALUE = libc("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = libc("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = libc("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKET = libc("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
            FunctionDescriptor.of(ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256, JAVA_BYTE)),
                    JAVA_INT));

    private final String name;
    private final int fd;
    private volatile boolean closed;

    private Tun(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    /**
     * Creates the device {@code name} (up to 15 bytes) with this MTU; it has no address and is down
     * until {@code ip} says otherwise. The MTU must leave room for WireGuard's 32 bytes and the outer
     * IP and UDP headers on the underlay, or every full packet leaves as two fragments.
     */
    public static Tun open(String name, int mtu) throws IOException {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length == 0 || bytes.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("a Linux interface name is 1 to 15 characters, not '" + name + "'");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom("/dev/net/tun"), O_RDWR | O_CLOEXEC);
            if (fd < 0) {
                throw failure("open /dev/net/tun (is the tun module loaded, and are we root?)", state);
            }
            MemorySegment request = arena.allocate(IFREQ_SIZE);
            MemorySegment.copy(bytes, 0, request, JAVA_BYTE, 0, bytes.length);
            request.set(JAVA_SHORT, IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI | IFF_VNET_HDR));
            if ((int) IOCTL.invokeExact(state, fd, TUNSETIFF, request) < 0) {
                IOException failure = failure("TUNSETIFF " + name, state);
                int ignored = (int) CLOSE.invokeExact(state, fd);
                throw failure;
            }
            if ((int) IOCTL_VALUE.invokeExact(state, fd, TUNSETOFFLOAD, (long) (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)) < 0) {
                IOException failure = failure("TUNSETOFFLOAD " + name, state);
                int ignored = (int) CLOSE.invokeExact(state, fd);
                throw failure;
            }
            setMtu(arena, state, request, mtu, name);
            return new Tun(name, fd);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("calling libc failed", e);
        }
    }

    /** SIOCSIFMTU asks any socket; the interface is named in the request. */
    private static void setMtu(Arena arena, MemorySegment state, MemorySegment request, int mtu, String name) throws Throwable {
        int socket = (int) SOCKET.invokeExact(state, AF_INET, SOCK_DGRAM, 0);
        if (socket < 0) {
            throw failure("socket for SIOCSIFMTU", state);
        }
        try {
            request.set(JAVA_INT, IFNAMSIZ, mtu);
            if ((int) IOCTL.invokeExact(state, socket, SIOCSIFMTU, request) < 0) {
                throw failure("MTU " + mtu + " for " + name, state);
            }
        } finally {
            int ignored = (int) CLOSE.invokeExact(arena.allocate(CALL_STATE), socket);
        }
    }

    public String name() {
        return name;
    }

    /** Reads one frame (the virtio-net header, then a packet or a segment) into {@code buffer}; returns its length. */
    public int read(MemorySegment buffer, MemorySegment callState) throws IOException {
        long read = call(READ, callState, buffer);
        if (read < 0) {
            throw failure("read from " + name, callState);
        }
        return (int) read;
    }

    /** Writes one frame of {@code length} bytes from {@code buffer} (the virtio-net header, then a packet or a segment to cut). */
    public void write(MemorySegment buffer, long length, MemorySegment callState) throws IOException {
        long written;
        try {
            written = (long) WRITE.invokeExact(callState, fd, buffer, length);
        } catch (Throwable e) {
            throw new IllegalStateException("calling libc failed", e);
        }
        if (written < 0) {
            throw failure("write to " + name, callState);
        }
    }

    /** Where a thread's calls leave errno: one per calling thread, from its own arena. */
    public static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try (Arena arena = Arena.ofConfined()) {
                int ignored = (int) CLOSE.invokeExact(arena.allocate(CALL_STATE), fd);
            } catch (Throwable e) {
                throw new IllegalStateException("calling libc failed", e);
            }
        }
    }

    private long call(MethodHandle handle, MemorySegment callState, MemorySegment buffer) {
        try {
            return (long) handle.invokeExact(callState, fd, buffer, buffer.byteSize());
        } catch (Throwable e) {
            throw new IllegalStateException("calling libc failed", e);
        }
    }

    /** The errno the last call left in this call state. */
    static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    /** An exception naming what failed and the system's text for the errno. */
    static IOException failure(String what, MemorySegment callState) {
        int errno = errno(callState);
        String text;
        try {
            text = ((MemorySegment) STRERROR.invokeExact(errno)).getString(0);
        } catch (Throwable e) {
            text = "errno " + errno;
        }
        return new IOException(what + ": " + text);
    }

    /** A libc function that leaves its errno in the call state passed first. */
    static MethodHandle libc(String function, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] all = Arrays.copyOf(options, options.length + 1);
        all[options.length] = Linker.Option.captureCallState("errno");
        return LINKER.downcallHandle(LINKER.defaultLookup().find(function).orElseThrow(), descriptor, all);
    }
}
