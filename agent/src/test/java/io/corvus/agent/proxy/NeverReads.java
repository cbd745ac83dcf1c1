package io.corvus.agent.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A target that accepts connections and never reads from them, with a 4 KiB receive buffer so the
 * kernel soaks up little: what its clients send piles up in front of it, in the agent that relays
 * to it. The way of a kubelet whose process stopped taking input.
 */
final class NeverReads implements AutoCloseable {

    private final ServerSocket listener = new ServerSocket();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    NeverReads(String address) throws IOException {
        listener.setReceiveBufferSize(4096); // accepted sockets inherit it
        listener.bind(new InetSocketAddress(address, 0));
        Thread.ofVirtual().name("never-reads").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                accepted.add(listener.accept());
            } catch (IOException closed) {
                return;
            }
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
