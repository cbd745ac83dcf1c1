package io.corvus.launcher;

import java.net.InetSocketAddress;

/** HOST:PORT as the user commands take it ({@code [v6]:PORT} for IPv6), refused with the option's name when it is not one. */
final class HostPort {

    private HostPort() {
    }

    /** {@code text} as HOST:PORT; {@code defaultPort} when it names only a host, or 0 when a port is required. */
    static InetSocketAddress parse(String text, String option, int defaultPort) {
        String host = text;
        String port = null;
        int colon = text.lastIndexOf(':');
        boolean bracketed = text.startsWith("[");
        if (bracketed) {
            int close = text.indexOf(']');
            if (close < 0 || (close + 1 < text.length() && text.charAt(close + 1) != ':')) {
                throw refused(text, option, defaultPort);
            }
            host = text.substring(1, close);
            port = close + 1 < text.length() ? text.substring(close + 2) : null;
        } else if (colon >= 0 && text.indexOf(':') == colon) { // one colon: HOST:PORT; more: a bare IPv6 address
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        if (host.isEmpty() || (port == null && defaultPort == 0) || (port != null && !validPort(port))) {
            throw refused(text, option, defaultPort);
        }
        return new InetSocketAddress(host, port == null ? defaultPort : Integer.parseInt(port));
    }

    private static boolean validPort(String port) {
        return port.matches("\\d{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
    }

    private static CliFailure refused(String text, String option, int defaultPort) {
        return new CliFailure(CliFailure.Exit.FAILED, option + " " + text + " is not " + (defaultPort == 0 ? "HOST:PORT" : "HOST or HOST:PORT")
                + " (a port is 1 to 65535; write an IPv6 address as [ADDRESS]:PORT)");
    }
}
