package io.corvus.deploy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Reads an object as its Kubernetes type (fabric8's model) and finds every field the type does
 * not have: the model keeps such fields aside ({@code additionalProperties}) instead of refusing
 * them, so each one is looked for, at every depth. A misspelt or misplaced field, which the API
 * server would drop or refuse, is found here.
 */
final class StrictKubernetes {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private StrictKubernetes() {
    }

    /** The fields the object's type does not know, as JSON paths; empty when there are none. */
    static List<String> unknownFields(JsonNode object) {
        KubernetesResource parsed = SERIALIZATION.unmarshal(object.toString());
        String where = object.path("kind").asText() + " " + object.at("/metadata/name").asText();
        if (parsed instanceof GenericKubernetesResource) {
            return List.of(where + ": " + object.path("apiVersion").asText() + " " + object.path("kind").asText() + " is no known type");
        }
        List<String> unknown = new ArrayList<>();
        walk(parsed, where, unknown);
        return unknown;
    }

    private static void walk(Object value, String path, List<String> unknown) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> entries) {
            entries.forEach((key, item) -> walk(item, path + "." + key, unknown));
            return;
        }
        if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || !getter.getName().startsWith("get")
                    || getter.getName().equals("getClass")) {
                continue;
            }
            Object field = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": unknown " + extra.keySet());
                }
            } else {
                walk(field, path + "." + Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4), unknown);
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            return null;
        }
    }
}
