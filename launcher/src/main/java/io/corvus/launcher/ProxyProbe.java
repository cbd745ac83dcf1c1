package io.corvus.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One request through a cloud gateway's HTTP front door, written byte for byte (the Host header
 * names the edge node, which an HTTP client library would not let the demo set), and its answer.
 */
record ProxyProbe(int status, String firstLine, String body) {

    static ProxyProbe send(int doorPort, String request) throws IOException {
        return send(new InetSocketAddress(InetAddress.getLoopbackAddress(), doorPort), request);
    }

    static ProxyProbe send(InetSocketAddress door, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(door, 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int headEnd = answer.indexOf("\r\n\r\n");
            String firstLine = answer.lines().findFirst().orElse("");
            int status = firstLine.matches("HTTP/1\\.1 \\d{3}.*") ? Integer.parseInt(firstLine.substring(9, 12)) : 0;
            return new ProxyProbe(status, firstLine, headEnd < 0 ? "" : answer.substring(headEnd + 4).strip());
        }
    }

    static ProxyProbe get(int doorPort, String host, String path) throws IOException {
        return send(doorPort, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    }

    /** A GET that closes the connection after the answer, so that reading to the end returns. */
    static ProxyProbe get(InetSocketAddress door, String host, String path) throws IOException {
        return send(door, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    static ProxyProbe connect(int doorPort, String target) throws IOException {
        return send(doorPort, "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
    }
}
