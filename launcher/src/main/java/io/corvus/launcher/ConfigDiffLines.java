package io.corvus.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.corvus.events.Json;

/**
 * What a change does to a configuration, as lines a person reads before it is made:
 * {@code ~ /proxy/enabled: true -> false}, {@code + /tunnel/vni: 1028}, {@code - /nodePools/x: {...}}.
 * Objects are compared member by member (by JSON pointer); lists and values whole.
 */
final class ConfigDiffLines {

    private ConfigDiffLines() {
    }

    static List<String> between(Object before, Object after) {
        Map<String, Object> old = flatten(before);
        Map<String, Object> now = flatten(after);
        TreeSet<String> pointers = new TreeSet<>(old.keySet());
        pointers.addAll(now.keySet());
        List<String> lines = new ArrayList<>();
        for (String pointer : pointers) {
            boolean was = old.containsKey(pointer);
            boolean is = now.containsKey(pointer);
            if (was && !is) {
                lines.add("- " + pointer + ": " + text(old.get(pointer)));
            } else if (!was) {
                lines.add("+ " + pointer + ": " + text(now.get(pointer)));
            } else if (!old.get(pointer).equals(now.get(pointer))) {
                lines.add("~ " + pointer + ": " + text(old.get(pointer)) + " -> " + text(now.get(pointer)));
            }
        }
        return lines;
    }

    private static Map<String, Object> flatten(Object document) {
        Map<String, Object> values = new TreeMap<>();
        flatten("", document, values);
        return values;
    }

    private static void flatten(String pointer, Object value, Map<String, Object> values) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            map.forEach((key, member) -> flatten(pointer + "/" + key.toString().replace("~", "~0").replace("/", "~1"), member, values));
        } else if (value != null && !(pointer.isEmpty() && value instanceof Map<?, ?>)) { // an empty document has no member
            values.put(pointer.isEmpty() ? "/" : pointer, value);
        }
    }

    private static String text(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
