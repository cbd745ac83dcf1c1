package io.corvus.kafka.broker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports for local processes: the broker's listeners, a benchmark's agents. */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * {@code count} different free ports. All sockets stay open until every port is chosen: the
     * kernel may hand a just-closed port out again (it did, and both broker listeners got one port).
     */
    public static int[] take(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }
}
