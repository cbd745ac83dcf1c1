package io.corvus.config.domain;

import java.util.LinkedHashMap;
import java.util.Map;

/** JSON Merge Patch (RFC 7396) on parsed JSON: objects merge, null removes, anything else replaces. */
public final class MergePatch {

    private MergePatch() {
    }

    public static Object apply(Object target, Object patch) {
        if (!(patch instanceof Map<?, ?> patchObject)) {
            return patch;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        if (target instanceof Map<?, ?> targetObject) {
            targetObject.forEach((key, value) -> result.put((String) key, value));
        }
        patchObject.forEach((key, value) -> {
            if (value == null) {
                result.remove((String) key);
            } else {
                result.put((String) key, apply(result.get((String) key), value));
            }
        });
        return result;
    }
}
