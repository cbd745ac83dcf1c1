package io.corvus.config.domain;

/**
 * One thing wrong with a configuration.
 *
 * @param pointer the JSON Pointer (RFC 6901) of the offending value; "" for the whole document
 * @param detail  what is wrong and how to fix it
 */
public record Violation(String pointer, String detail) {

    /** Escapes a map key for use as one segment of a JSON Pointer. */
    public static String segment(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
