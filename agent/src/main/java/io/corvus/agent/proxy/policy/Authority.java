package io.corvus.agent.proxy.policy;

/**
 * A stream's target as {@code host:port}: a node name (DNS-1123) or an IPv4/IPv6 address (IPv6 in
 * brackets). Parsed strictly and bounded, since it comes from the other side of a tunnel or a
 * front door; never resolved through DNS.
 */
public record Authority(String host, int port) {

    /** The longest authority accepted: a 253-character name, brackets and a port. */
    public static final int MAX_LENGTH = 262;

    public static Authority parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("no target given: name it as host:port, like edge-1:10250");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("target is longer than " + MAX_LENGTH + " characters");
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("target '" + printable(text) + "' has no port: name it as host:port, like edge-1:10250");
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (!host.matches("[0-9A-Fa-f:.]+")) {
                throw new IllegalArgumentException("target host '" + printable(host) + "' is not an IPv6 address");
            }
        } else if (!host.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?") && !host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("target host '" + printable(host) + "' is neither a node name nor an address");
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("target port '" + printable(port) + "' is not a port from 1 to 65535");
        }
        return new Authority(host, Integer.parseInt(port));
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Untrusted text in an error message: control characters out, length bounded. */
    static String printable(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
    }
}
