package io.corvus.agent.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A target that reads little or nothing of what it is sent, with a receive buffer of what it reads
 * at a time (at least 4 KiB) so the kernel soaks up little: what its clients send piles up in front of it, in the agent that relays
 * to it. The way of a kubelet whose process stopped taking input, or of a reader on a slow disk.
 * It may first take a part at full speed, as a reader does before its disk fills up, or read
 * nothing until it is released and then everything at full speed, as a reader that was paused.
 */
final class SlowTarget implements AutoCloseable {

    private final ServerSocket listener = new ServerSocket();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final long fastBytes;
    private final int bytesPerTick;
    private final AtomicLong taken = new AtomicLong();
    private final CountDownLatch released;

    private SlowTarget(String address, long fastBytes, int bytesPerTick, boolean heldBack) throws IOException {
        this.released = new CountDownLatch(heldBack ? 1 : 0);
        this.fastBytes = fastBytes;
        this.bytesPerTick = bytesPerTick;
        listener.setReceiveBufferSize(Math.max(4096, bytesPerTick)); // accepted sockets inherit it
        listener.bind(new InetSocketAddress(address, 0));
        Thread.ofVirtual().name("slow-target").start(this::accept);
    }

    /** Accepts connections and never reads from them. */
    static SlowTarget neverReading(String address) throws IOException {
        return new SlowTarget(address, 0, 0, false);
    }

    /** Reads at most {@code bytesPerTick} from each connection every 100 ms. */
    static SlowTarget reading(String address, int bytesPerTick) throws IOException {
        return new SlowTarget(address, 0, bytesPerTick, false);
    }

    /** Reads the first {@code fastBytes} of each connection as they come, then at most {@code bytesPerTick} every 100 ms. */
    static SlowTarget fastThenSlow(String address, long fastBytes, int bytesPerTick) throws IOException {
        return new SlowTarget(address, fastBytes, bytesPerTick, false);
    }

    /** Reads nothing until {@link #release()}, then everything as it comes. */
    static SlowTarget heldBack(String address) throws IOException {
        return new SlowTarget(address, Long.MAX_VALUE, 4096, true);
    }

    void release() {
        released.countDown();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Bytes read from all connections so far. */
    long taken() {
        return taken.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                accepted.add(socket);
                if (bytesPerTick > 0) {
                    Thread.ofVirtual().start(() -> readSlowly(socket));
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void readSlowly(Socket socket) {
        try {
            released.await();
            take(socket.getInputStream(), fastBytes, bytesPerTick, taken);
        } catch (IOException closed) {
            // the agent cut the connection
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads the first {@code fastBytes} as they come, then at most {@code bytesPerTick} every
     * 100 ms, until the end; counts what it read in {@code taken}.
     */
    static void take(InputStream in, long fastBytes, int bytesPerTick, AtomicLong taken) throws IOException {
        byte[] tick = new byte[bytesPerTick];
        for (long left = fastBytes, n; left > 0; left -= n) {
            if ((n = in.read(tick, 0, (int) Math.min(tick.length, left))) < 0) {
                return;
            }
            taken.addAndGet(n);
        }
        for (int n; (n = in.read(tick)) >= 0; ) {
            taken.addAndGet(n);
            LockSupport.parkNanos(100_000_000L); // the pace this reader keeps, not a wait for something
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }
}
