package io.corvus.agent.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 on a plain socket, byte for byte as a client sends it: no library between the test and the wire. */
final class RawHttp implements AutoCloseable {

    final Socket socket;
    final InputStream in;
    final OutputStream out;

    RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(15_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static RawHttp to(int port) throws IOException {
        return new RawHttp(new Socket("127.0.0.1", port));
    }

    /** A client whose kernel takes in at most about {@code receiveBuffer} of what it does not read yet. */
    static RawHttp to(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer); // before connecting: the window is agreed on then
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        return new RawHttp(socket);
    }

    /**
     * A client that opens a CONNECT stream through the front door to {@code target} and writes into
     * it, on a virtual thread, until its connection is closed (by the agent, or the test) or its
     * output shut down; then {@code whenCutOff} runs.
     */
    static RawHttp connectAndPush(int door, String target, Runnable whenCutOff) throws IOException {
        return connectAndPush(door, target, Long.MAX_VALUE, false, whenCutOff);
    }

    /**
     * As above, for an upload of {@code bytes} that ends normally: having written them all, the
     * client shuts its output down.
     */
    static RawHttp connectAndUpload(int door, String target, long bytes) throws IOException {
        return connectAndPush(door, target, bytes, true, () -> { });
    }

    /**
     * As above, but the client keeps its output open once it wrote the bytes. An agent reads the
     * socket of a client that finished to the end, past any budget (Netty's epoll transport does,
     * netty#13142), so a test of what the agent takes in while it may not read needs clients that
     * have not finished.
     */
    static RawHttp connectAndSend(int door, String target, long bytes) throws IOException {
        return connectAndPush(door, target, bytes, false, () -> { });
    }

    private static RawHttp connectAndPush(int door, String target, long bytes, boolean thenEnd, Runnable whenCutOff)
            throws IOException {
        RawHttp pusher = to(door).send("CONNECT " + target + " HTTP/1.1\r\n\r\n");
        String head = pusher.head();
        if (!head.startsWith("HTTP/1.1 200")) {
            pusher.close();
            throw new IOException("the front door answered " + head);
        }
        Thread.ofVirtual().start(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                for (long left = bytes; left > 0; left -= chunk.length) {
                    pusher.out.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
                if (thenEnd) {
                    pusher.socket.shutdownOutput();
                }
            } catch (IOException ended) {
                whenCutOff.run();
            }
        });
        return pusher;
    }

    RawHttp send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return this;
    }

    /** Reads up to the blank line that ends a response head. */
    String head() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Everything until the peer closes. */
    String rest() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Reads until the text has arrived (or the peer closed); returns all read. */
    String until(String expected) throws IOException {
        StringBuilder read = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (!read.toString().contains(expected)) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            read.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return read.toString();
    }

    /** Closes with a reset: a FIN would wait behind sent bytes that a stalled path never takes. */
    void hangUpWithReset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
