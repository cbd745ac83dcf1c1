package io.corvus.agent.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A target on a real socket that reads until its client has stopped sending (end of input, the
 * connection still open), only then answers how many bytes it got, and hangs up: the way of
 * {@code nc -N}, or of a protocol that marks the end of a request by half-closing.
 */
final class AnswersAtTheEnd implements AutoCloseable {

    private final ServerSocket listener;

    AnswersAtTheEnd(String address) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getByName(address));
        Thread.ofVirtual().name("answers-at-the-end").start(this::serve);
    }

    int port() {
        return listener.getLocalPort();
    }

    static String answerTo(long bytes) {
        return "received " + bytes + " bytes";
    }

    private void serve() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread.ofVirtual().start(() -> answer(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void answer(Socket client) {
        try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
            long received = in.transferTo(OutputStream.nullOutputStream());
            out.write(answerTo(received).getBytes(StandardCharsets.UTF_8));
        } catch (IOException gone) {
            // the client went away before its end: nobody to answer
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
