package io.corvus.launcher;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Traffic between two pods, for {@code corvus benchmark tunnel}: a server one pod runs and the
 * measurements another pod makes against it, over plain TCP, so what is measured is the path
 * between the pods (in tunnel mode: VXLAN to a gateway, WireGuard between pools, VXLAN to the node).
 *
 * <p>Each connection opens with a line naming what it measures ({@code corvus-bench/1 sink|echo|connect});
 * the server answers {@code ok} or {@code refused: why}. {@code sink}: the client sends until it
 * closes its side, the server answers with the 8-byte count it received. {@code echo}: 1 KiB
 * requests, each sent back. {@code connect}: nothing more; the cost of a new connection. The server
 * holds at most {@link #MAX_CONNECTIONS} connections and drops idle ones, so leaving it running
 * costs little; it answers only what this protocol asks and relays nothing.
 */
final class PodTraffic {

    static final int DEFAULT_PORT = 5301;
    static final int REQUEST_BYTES = 1024;
    static final int MAX_CONNECTIONS = 64;
    private static final String HELLO = "corvus-bench/1 ";
    private static final int HELLO_LIMIT = 64;
    private static final Duration IDLE = Duration.ofSeconds(30);
    private static final int CHUNK = 64 * 1024;

    enum Kind { sink, echo, connect }

    private PodTraffic() {
    }

    /** The server end; each connection on a virtual thread. */
    static final class Server implements AutoCloseable {

        private final ServerSocket socket;
        private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
        private final Semaphore room = new Semaphore(MAX_CONNECTIONS);

        Server(InetSocketAddress listen) throws IOException {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(listen);
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        /** Accepts connections until closed. */
        void serve() throws IOException {
            while (!socket.isClosed()) {
                Socket connection;
                try {
                    connection = socket.accept();
                } catch (IOException e) {
                    if (socket.isClosed()) {
                        return;
                    }
                    throw e;
                }
                connections.submit(() -> answer(connection));
            }
        }

        private void answer(Socket connection) {
            try (connection) {
                connection.setSoTimeout((int) IDLE.toMillis());
                connection.setTcpNoDelay(true);
                InputStream in = connection.getInputStream();
                OutputStream out = connection.getOutputStream();
                if (!room.tryAcquire()) {
                    out.write(("refused: " + MAX_CONNECTIONS + " connections are open already\n").getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                try {
                    String hello = readLine(in);
                    Kind kind = kindOf(hello);
                    if (kind == null) {
                        out.write(("refused: '" + hello + "' is not " + HELLO + "sink|echo|connect\n").getBytes(StandardCharsets.US_ASCII));
                        return;
                    }
                    out.write("ok\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    switch (kind) {
                        case sink -> new DataOutputStream(out).writeLong(in.transferTo(OutputStream.nullOutputStream()));
                        case echo -> echo(in, out);
                        case connect -> { }
                    }
                } finally {
                    room.release();
                }
            } catch (IOException e) {
                // the client went away or idled out: its connection is done, the server goes on
            }
        }

        private static void echo(InputStream in, OutputStream out) throws IOException {
            byte[] request = new byte[REQUEST_BYTES];
            while (in.readNBytes(request, 0, REQUEST_BYTES) == REQUEST_BYTES) {
                out.write(request);
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            connections.shutdownNow();
        }
    }

    /** What the client measured moving bytes one way for a while. */
    record Throughput(int streams, long bytes, double seconds) {
        double megabitsPerSecond() {
            return LatencySummary.round(bytes * 8 / seconds / 1e6);
        }
    }

    /** The client end: each measurement against one server. */
    record Client(InetSocketAddress server) {

        /** {@code streams} connections sending for {@code duration}; the bytes the server says it received. */
        Throughput throughput(int streams, Duration duration) throws IOException, InterruptedException {
            long started = System.nanoTime();
            long until = started + duration.toNanos();
            List<Future<Long>> senders = new ArrayList<>();
            try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < streams; i++) {
                    senders.add(workers.submit(() -> send(until)));
                }
                long received = 0;
                for (Future<Long> sender : senders) {
                    received += join(sender);
                }
                return new Throughput(streams, received, (System.nanoTime() - started) / 1e9);
            }
        }

        private long send(long until) throws IOException {
            try (Socket socket = open(Kind.sink)) {
                OutputStream out = socket.getOutputStream();
                byte[] chunk = new byte[CHUNK];
                while (System.nanoTime() < until) {
                    out.write(chunk);
                }
                socket.shutdownOutput();
                return new DataInputStream(socket.getInputStream()).readLong();
            }
        }

        /** {@code requests} 1 KiB requests answered one after the other on one kept connection. */
        LatencySummary requestResponse(int requests) throws IOException {
            long[] latencies = new long[requests];
            try (Socket socket = open(Kind.echo)) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                byte[] request = new byte[REQUEST_BYTES];
                byte[] answer = new byte[REQUEST_BYTES];
                for (int i = 0; i < requests; i++) {
                    long begin = System.nanoTime();
                    out.write(request);
                    out.flush();
                    if (in.readNBytes(answer, 0, REQUEST_BYTES) != REQUEST_BYTES) {
                        throw new EOFException(server + " closed the connection after " + i + " answers");
                    }
                    latencies[i] = System.nanoTime() - begin;
                }
            }
            return LatencySummary.ofNanos(latencies);
        }

        /** {@code count} new connections one after the other, each until the server's answer. */
        LatencySummary connections(int count) throws IOException {
            long[] latencies = new long[count];
            for (int i = 0; i < count; i++) {
                long begin = System.nanoTime();
                open(Kind.connect).close();
                latencies[i] = System.nanoTime() - begin;
            }
            return LatencySummary.ofNanos(latencies);
        }

        /** A connection the server accepted for {@code kind}; a {@link CliFailure} saying why when it did not. */
        private Socket open(Kind kind) throws IOException {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(server, (int) IDLE.toMillis());
                socket.setSoTimeout((int) IDLE.toMillis());
                socket.getOutputStream().write((HELLO + kind + "\n").getBytes(StandardCharsets.US_ASCII));
                String answer = readLine(socket.getInputStream());
                if (!answer.equals("ok")) {
                    throw new CliFailure(CliFailure.Exit.FAILED, server + " answered '" + answer + "'"
                            + (answer.startsWith("refused: ") ? "" : "; it does not run corvus benchmark tunnel --serve"));
                }
                return socket;
            } catch (ConnectException | NoRouteToHostException | SocketTimeoutException e) {
                socket.close();
                throw new CliFailure(CliFailure.Exit.UNREACHABLE, "nothing answers at " + server + " (" + e.getMessage()
                        + "); start corvus benchmark tunnel --serve in a pod of another pool first, and check that tunnel mode is on");
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        private static long join(Future<Long> sender) throws IOException, InterruptedException {
            try {
                return sender.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IOException(e.getCause());
            }
        }
    }

    /** The kind a hello line asks for; null when it is not one. */
    static Kind kindOf(String hello) {
        if (!hello.startsWith(HELLO)) {
            return null;
        }
        String kind = hello.substring(HELLO.length());
        for (Kind known : Kind.values()) {
            if (known.name().equals(kind)) {
                return known;
            }
        }
        return null;
    }

    /** One line of at most {@link #HELLO_LIMIT} bytes, without its newline; what came when the peer closed or went over. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n' && line.size() < HELLO_LIMIT; b = in.read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
