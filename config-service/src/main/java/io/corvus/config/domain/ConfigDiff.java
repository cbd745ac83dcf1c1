package io.corvus.config.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** What changed between two configuration documents, one line per changed JSON Pointer. */
public final class ConfigDiff {

    private ConfigDiff() {
    }

    /** @param before null for the first revision */
    public static List<String> between(Map<String, Object> before, Map<String, Object> after) {
        List<String> changes = new ArrayList<>();
        if (before == null) {
            changes.add("created");
            return changes;
        }
        compare("", before, after, changes);
        return changes;
    }

    private static void compare(String pointer, Object before, Object after, List<String> changes) {
        if (before instanceof Map<?, ?> b && after instanceof Map<?, ?> a) {
            TreeSet<String> keys = new TreeSet<>();
            b.keySet().forEach(k -> keys.add((String) k));
            a.keySet().forEach(k -> keys.add((String) k));
            for (String key : keys) {
                compare(pointer + "/" + Violation.segment(key), b.get(key), a.get(key), changes);
            }
        } else if (!Objects.equals(before, after)) {
            changes.add(pointer + ": " + render(before) + " -> " + render(after));
        }
    }

    private static String render(Object value) {
        return value == null ? "(absent)" : value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }
}
