package io.corvus.events.payload;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.corvus.events.EventKey;

/** Invariants shared by the payload records; each failure names the field. */
final class Checks {

    private Checks() {
    }

    static <T> T present(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    static String text(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required and must not be blank");
        }
        return value;
    }

    static String clusterId(String value) {
        EventKey.requireClusterId(value);
        return value;
    }

    static long atLeast(long value, long minimum, String field) {
        if (value < minimum) {
            throw new IllegalArgumentException(field + " must be at least " + minimum + ", got " + value);
        }
        return value;
    }

    static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : List.copyOf(value);
    }

    static <K, V> Map<K, V> map(Map<K, V> value) {
        if (value == null) {
            return Map.of();
        }
        value.forEach((key, entry) -> {
            if (key == null || entry == null) {
                throw new IllegalArgumentException("a map in an event may hold no null key or value (key " + key + ")");
            }
        });
        // keeps the order it was given, so an event serializes the same way every time
        return Collections.unmodifiableMap(new LinkedHashMap<>(value));
    }
}
