package io.corvus.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for a kubelet on the local run's edge nodes (they all live on 127.0.0.1, or in the
 * Compose stack beside an edge agent): it answers {@code GET /pods} with the Host it was asked for,
 * so the demo shows which node the request was routed to through the proxy's link.
 */
final class DemoKubelet implements AutoCloseable {

    private final HttpServer server;

    private DemoKubelet(HttpServer server) {
        this.server = server;
    }

    /** On a free loopback port. */
    static DemoKubelet start() throws IOException {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    static DemoKubelet start(InetSocketAddress address) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        server.createContext("/", exchange -> {
            byte[] body = ("{\"kind\":\"PodList\",\"servedFor\":\"" + exchange.getRequestHeaders().getFirst("Host")
                    + "\",\"items\":[]}\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return new DemoKubelet(server);
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
