package io.corvus.events;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Locale;

/**
 * An IPv4 or IPv6 network in CIDR notation, parsed strictly: a prefix length is required, IPv4 is
 * four decimal octets (no shorthand like {@code 1.2.3}, no leading zeros), and host bits must be
 * zero, and an IPv4-mapped IPv6 form ({@code ::ffff:10.0.0.0/104}) is refused with its IPv4
 * equivalent. Parsing never resolves names. Failures are {@link IllegalArgumentException}s whose message
 * says how to fix the entry.
 *
 * @param canonical the RFC 5952 form for IPv6, dotted decimal for IPv4
 */
public record Cidr(String canonical, boolean ipv6, BigInteger network, int prefixLength) {

    public static Cidr parse(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the entry is empty");
        }
        if (!text.strip().equals(text) || text.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("'" + text + "' contains spaces; write the CIDR without them");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' has no prefix length; for a single address write " + text
                    + (text.contains(":") ? "/128" : "/32"));
        }
        String address = text.substring(0, slash);
        String prefix = text.substring(slash + 1);
        boolean ipv6 = address.contains(":");
        int maxPrefix = ipv6 ? 128 : 32;
        if (!prefix.matches("\\d{1,3}") || (prefix.length() > 1 && prefix.startsWith("0"))
                || Integer.parseInt(prefix) > maxPrefix) {
            throw new IllegalArgumentException("'" + text + "' has prefix length '" + prefix + "'; it must be 0 to " + maxPrefix);
        }
        int prefixLength = Integer.parseInt(prefix);
        BigInteger value = ipv6 ? ipv6Value(text, address, prefixLength) : ipv4Value(text, address);
        BigInteger hostMask = BigInteger.ONE.shiftLeft(maxPrefix - prefixLength).subtract(BigInteger.ONE);
        BigInteger network = value.andNot(hostMask);
        String canonicalNetwork = (ipv6 ? ipv6Text(network) : ipv4Text(network)) + "/" + prefixLength;
        if (!network.equals(value)) {
            throw new IllegalArgumentException("'" + text + "' has host bits set; the network is " + canonicalNetwork);
        }
        return new Cidr(canonicalNetwork, ipv6, network, prefixLength);
    }

    /** True when this network contains every address of {@code other}. */
    public boolean contains(Cidr other) {
        if (ipv6 != other.ipv6 || other.prefixLength < prefixLength) {
            return false;
        }
        int bits = ipv6 ? 128 : 32;
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefixLength).subtract(BigInteger.ONE);
        return other.network.andNot(hostMask).equals(network);
    }

    /** True when the address, as a socket reports it, lies in this network (IPv4-mapped IPv6 counts as IPv4). */
    public boolean containsAddress(InetAddress address) {
        byte[] bytes = address.getAddress();
        boolean mapped = bytes.length == 16 && Arrays.equals(Arrays.copyOf(bytes, 12), IPV4_MAPPED_PREFIX);
        byte[] value = mapped ? Arrays.copyOfRange(bytes, 12, 16) : bytes;
        boolean isIpv6 = value.length == 16;
        return contains(new Cidr("", isIpv6, new BigInteger(1, value), isIpv6 ? 128 : 32));
    }

    @Override
    public String toString() {
        return canonical;
    }

    private static final byte[] IPV4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private static BigInteger ipv4Value(String text, String address) {
        String[] octets = address.split("\\.", -1);
        if (octets.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address with four octets (like 192.0.2.0/24)");
        }
        long value = 0;
        for (String octet : octets) {
            if (!octet.matches("\\d{1,3}") || (octet.length() > 1 && octet.startsWith("0")) || Integer.parseInt(octet) > 255) {
                throw new IllegalArgumentException("'" + text + "' has octet '" + octet
                        + "'; each octet is a decimal number 0 to 255 without leading zeros");
            }
            value = (value << 8) | Integer.parseInt(octet);
        }
        return BigInteger.valueOf(value);
    }

    private static BigInteger ipv6Value(String text, String address, int prefixLength) {
        if (!address.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address (hex digits and ':' only; no zone, no brackets)");
        }
        InetAddress parsed;
        try {
            parsed = Inet6Address.ofLiteral(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid IPv6 address");
        }
        if (parsed instanceof Inet4Address mapped) {
            // ::ffff:a.b.c.d is an IPv4 address in IPv6 clothes; stored either way, it would change meaning
            if (prefixLength >= 96) {
                throw new IllegalArgumentException("'" + text + "' is an IPv4-mapped IPv6 address; write it as IPv4: "
                        + mapped.getHostAddress() + "/" + (prefixLength - 96));
            }
            return BigInteger.valueOf(0xffffL).shiftLeft(32).or(new BigInteger(1, mapped.getAddress()));
        }
        return new BigInteger(1, parsed.getAddress());
    }

    private static String ipv4Text(BigInteger value) {
        long v = value.longValueExact();
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }

    /** RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
    private static String ipv6Text(BigInteger value) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = value.shiftRight(16 * (7 - i)).intValue() & 0xffff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString().toLowerCase(Locale.ROOT);
    }
}
