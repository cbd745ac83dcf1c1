package io.corvus.agent.proxy;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a request at a front door goes. {@code CONNECT host:port} names it; a plain request names
 * it by an absolute URI ({@code GET http://edge-1:10255/metrics}, as through an HTTP proxy), else
 * by {@code ?nodeName=} (Raven's metrics convention) with the port of the Host header, else by the
 * Host header. A port left out is 10255, the kubelet's read-only port.
 */
public final class FrontTarget {

    public static final int DEFAULT_PORT = 10255;

    private FrontTarget() {
    }

    /** @throws IllegalArgumentException saying how to name the target */
    public static Authority of(String method, String uri, String hostHeader) {
        if ("CONNECT".equals(method)) {
            return Authority.parse(uri);
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("request target '" + Authority.printable(uri) + "' is not a URI");
        }
        if (parsed.isAbsolute() && parsed.getHost() != null) {
            return Authority.parse(parsed.getHost() + ":" + (parsed.getPort() > 0 ? parsed.getPort() : DEFAULT_PORT));
        }
        String nodeName = queryParameter(parsed.getRawQuery(), "nodeName");
        String host = hostHeader == null ? "" : hostHeader.trim();
        int colon = host.lastIndexOf(':');
        boolean hasPort = colon > 0 && !host.endsWith("]");
        String port = hasPort ? host.substring(colon + 1) : String.valueOf(DEFAULT_PORT);
        if (nodeName != null) {
            return Authority.parse(nodeName + ":" + port);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("the request names no target: send CONNECT host:port, an absolute URI, "
                    + "a Host header naming the node, or ?nodeName=");
        }
        return Authority.parse(hasPort ? host : host + ":" + DEFAULT_PORT);
    }

    private static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
