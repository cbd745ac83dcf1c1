package io.corvus.agent.proxy;

import java.util.regex.Pattern;

/**
 * A stream's target as {@code host:port}: a node name (DNS-1123) or an IPv4/IPv6 address (IPv6 in
 * brackets). Parsed strictly and bounded, since it comes from the other side of a link or a
 * front door; never resolved through DNS.
 */
public record Authority(String host, int port) {

    /** The longest authority accepted: a 253-character name, brackets and a port. */
    public static final int MAX_LENGTH = 262;

    // Compiled once: every stream's target is parsed on both sides of the link.
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

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
            if (!IPV6.matcher(host).matches()) {
                throw new IllegalArgumentException("target host '" + printable(host) + "' is not an IPv6 address");
            }
        } else if (!NODE_NAME.matcher(host).matches() && !IPV4.matcher(host).matches()) {
            throw new IllegalArgumentException("target host '" + printable(host) + "' is neither a node name nor an address");
        }
        int number = PORT.matcher(port).matches() ? Integer.parseInt(port) : 0;
        if (number < 1 || number > 65535) {
            throw new IllegalArgumentException("target port '" + printable(port) + "' is not a port from 1 to 65535");
        }
        return new Authority(host, number);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Untrusted text in an error message: control characters out, length bounded. */
    static String printable(String text) {
        String clean = CONTROL.matcher(text).replaceAll("?");
        return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
    }
}
