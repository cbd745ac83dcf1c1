package io.corvus.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON and YAML mappings of Corvus, built in one place: ISO-8601 times, no scalar coercion, a
 * key given twice refused (but in {@link #lenient()}). All are thread-safe and shared.
 */
public final class Json {

    private static final ObjectMapper JSON = configure(JsonMapper.builder())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final ObjectMapper YAML = configure(YAMLMapper.builder()).build();
    private static final ObjectReader LENIENT = JsonMapper.builder().build().reader();

    private Json() {
    }

    /** For events and API bodies: fields it does not know are ignored, so a newer writer never breaks a reader. */
    public static ObjectMapper mapper() {
        return JSON;
    }

    /** For what other tools print (iproute2, nft, iperf3): some repeat a key, where the last one wins. */
    public static ObjectReader lenient() {
        return LENIENT;
    }

    /** For files people write (an inventory, a ConfigMap's document): a field it does not know is an error. */
    public static ObjectMapper yaml() {
        return YAML;
    }

    private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
        return builder.addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }
}
