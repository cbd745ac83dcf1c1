package io.corvus.agent.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One health check's answer, as MicroProfile Health writes it: a name, UP or DOWN, and what it saw. */
public record Check(String name, boolean up, Map<String, Object> data) {

    public Check {
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** What {@code /q/health} writes for this check. */
    Map<String, Object> asJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("status", up ? "UP" : "DOWN");
        if (!data.isEmpty()) {
            json.put("data", data);
        }
        return json;
    }
}
