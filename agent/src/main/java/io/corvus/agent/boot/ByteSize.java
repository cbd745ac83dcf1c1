package io.corvus.agent.boot;

import java.util.Locale;

/** An amount of memory in a setting: bytes, or a number with K, M or G (binary: 16M is 16 MiB). */
public record ByteSize(long bytes) {

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative: " + bytes);
        }
    }

    /** {@code 16M}, {@code 512K}, {@code 1048576}. */
    public static ByteSize parse(String text) {
        String trimmed = text.trim().toUpperCase(Locale.ROOT);
        int shift = switch (trimmed.isEmpty() ? ' ' : trimmed.charAt(trimmed.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? trimmed : trimmed.substring(0, trimmed.length() - 1);
        if (!digits.matches("\\d{1,12}")) {
            throw new IllegalArgumentException("'" + text + "' is not a size: write bytes, or a number with K, M or G, as 16M");
        }
        return new ByteSize(Long.parseLong(digits) << shift);
    }
}
