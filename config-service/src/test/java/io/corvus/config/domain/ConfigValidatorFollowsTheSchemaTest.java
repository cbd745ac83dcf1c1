package io.corvus.config.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.corvus.events.Json;
import org.junit.jupiter.api.Test;

/**
 * The document's shape is defined once, in events-schema's {@code network-config.v1.json} (also
 * what config-service's OpenAPI shows): the validator's fields, defaults, limits and choices are
 * checked against it here, and what GET returns must validate against it.
 */
class ConfigValidatorFollowsTheSchemaTest {

    private static final ObjectMapper JSON = Json.mapper();
    private static final JsonNode SCHEMA = load("/schemas/network-config.v1.json");
    private static final String POOL = "p1";

    /** One field of the document: where it is, its schema, and how to put a value there. */
    private record Field(String pointer, JsonNode schema) {

        /** The document with {@code value} at this field (a pool's fields go into pool "p1"). */
        Map<String, Object> documentWith(Object value) {
            String[] parts = pointer.substring(1).split("/");
            Map<String, Object> root = new LinkedHashMap<>();
            Map<String, Object> current = root;
            for (int i = 0; i < parts.length - 1; i++) {
                Map<String, Object> next = new LinkedHashMap<>();
                current.put(parts[i], next);
                current = next;
            }
            current.put(parts[parts.length - 1], value);
            return root;
        }
    }

    @Test
    void omittedFieldsTakeTheDefaultsTheSchemaPublishes() {
        Map<String, Object> document = ConfigDocument.of(accepted(Map.of()));
        JsonNode written = JSON.valueToTree(document);

        for (Field field : fields()) {
            if (field.schema().has("default") && !field.pointer().startsWith("/nodePools/")) {
                assertThat(written.at(field.pointer())).as(field.pointer()).isEqualTo(field.schema().get("default"));
            }
        }
    }

    @Test
    void everyFieldTheSchemaNamesIsAcceptedAndAFieldItDoesNotNameIsRefused() {
        for (Field field : fields()) {
            assertThat(validate(field.documentWith(sample(field.schema())))).as(field.pointer()).isInstanceOf(Validation.Accepted.class);
        }
        for (String object : List.of("", "/proxy", "/tunnel", "/nodePools/" + POOL, "/nodeLabels", "/cloud")) {
            Field unknown = new Field(object + "/notInTheSchema", null);
            Validation validation = validate(unknown.documentWith(true));
            assertThat(validation).as(unknown.pointer()).isInstanceOf(Validation.Rejected.class);
            assertThat(((Validation.Rejected) validation).violations()).extracting(Violation::pointer).contains(unknown.pointer());
        }
    }

    @Test
    void theLimitsAndChoicesOfTheSchemaAreTheValidators() {
        for (Field field : fields()) {
            JsonNode schema = field.schema();
            if (schema.has("minimum")) {
                int minimum = schema.get("minimum").asInt();
                int maximum = schema.get("maximum").asInt();
                acceptedAt(field, minimum);
                acceptedAt(field, maximum);
                refused(field, minimum - 1);
                refused(field, maximum + 1);
            }
            if (schema.has("enum")) {
                schema.get("enum").forEach(choice -> acceptedAt(field, choice.asText()));
                refused(field, "none-of-these");
            }
            if (schema.has("pattern")) {
                refused(field, "Not Matching");
            }
        }
    }

    @Test
    void whatGetReturnsValidatesAgainstThePublishedSchema() {
        JsonSchema published = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SCHEMA);
        List<Map<String, Object>> inputs = List.of(Map.of(),
                Map.of("proxy", Map.of("enabled", false), "tunnel", Map.of("enabled", true),
                        "accessControlList", "203.0.113.0/24,198.51.100.7/32",
                        "nodePools", Map.of("hangzhou-edge", Map.of("proxyReplicas", 2, "tunnelReplicas", 0)),
                        "nodeLabels", Map.of("nodePoolKey", "example.com/pool", "edgeNodeLabel", "example.com/site=edge"),
                        "cloud", Map.of("provider", "aliyun", "regionId", "cn-hangzhou", "vpcId", "vpc-a1", "vSwitchId", "vsw-a1",
                                "eipBandwidthMbps", 200, "eipChargeType", "PayByBandwidth")));
        for (Map<String, Object> input : inputs) {
            JsonNode document = JSON.valueToTree(ConfigDocument.of(accepted(input)));
            assertThat(published.validate(document)).as(document.toString()).isEmpty();
            assertThat(validate(JSON.convertValue(document, Map.class))).as("what GET returns can be written back")
                    .isInstanceOf(Validation.Accepted.class);
        }
    }

    @Test
    void theConfigurationEventCarriesTheSameFieldsAsTheDocument() {
        JsonNode event = load("/schemas/config-changed.v1.json").at("/properties/config");

        assertThat(names(event)).isEqualTo(names(SCHEMA));
        for (String object : List.of("proxy", "tunnel", "nodeLabels", "cloud")) {
            JsonNode inEvent = event.at("/properties/" + object);
            if (inEvent.has("$ref")) {
                inEvent = load("/schemas/config-changed.v1.json").at(inEvent.get("$ref").asText().substring(1));
            }
            assertThat(names(inEvent)).as(object).isEqualTo(names(SCHEMA.at("/properties/" + object)));
        }
        assertThat(names(event.at("/properties/nodePools/additionalProperties")))
                .isEqualTo(names(SCHEMA.at("/properties/nodePools/additionalProperties")));
    }

    /** The value is fine where it is (other rules may still want more, as aliyun wants a region). */
    private static void acceptedAt(Field field, Object value) {
        Validation validation = validate(field.documentWith(value));
        if (validation instanceof Validation.Rejected rejected) {
            assertThat(rejected.violations()).extracting(Violation::pointer).as(field.pointer() + " = " + value)
                    .doesNotContain(field.pointer());
        }
    }

    private static void refused(Field field, Object value) {
        Validation validation = validate(field.documentWith(value));
        assertThat(validation).as(field.pointer() + " = " + value).isInstanceOf(Validation.Rejected.class);
        assertThat(((Validation.Rejected) validation).violations()).extracting(Violation::pointer).contains(field.pointer());
    }

    private static Object sample(JsonNode schema) {
        JsonNode sample = schema.has("examples") ? schema.get("examples").get(0)
                : schema.has("enum") ? schema.get("enum").get(0)
                : schema.has("default") ? schema.get("default")
                : schema.has("oneOf") ? schema.get("oneOf").get(1).get("examples").get(0)
                : null;
        assertThat(sample).as("a sample value for " + schema).isNotNull();
        return JSON.convertValue(sample, Object.class);
    }

    /** Every field of the document, nested ones included; a pool's fields as those of pool "p1". */
    private static List<Field> fields() {
        List<Field> fields = new ArrayList<>();
        collect(SCHEMA, "", fields);
        return fields;
    }

    private static void collect(JsonNode object, String pointer, List<Field> fields) {
        object.path("properties").properties().forEach(entry -> {
            String at = pointer + "/" + entry.getKey();
            JsonNode schema = entry.getValue();
            if (schema.has("properties")) {
                collect(schema, at, fields);
            } else if (schema.path("additionalProperties").has("properties")) {
                collect(schema.get("additionalProperties"), at + "/" + POOL, fields);
            } else {
                fields.add(new Field(at, schema));
            }
        });
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new HashSet<>();
        object.path("properties").fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static io.corvus.events.payload.NetworkConfig accepted(Map<String, Object> document) {
        Validation validation = validate(document);
        assertThat(validation).isInstanceOf(Validation.Accepted.class);
        return ((Validation.Accepted) validation).config();
    }

    private static Validation validate(Map<String, Object> document) {
        return ConfigValidator.validate(document);
    }

    private static JsonNode load(String resource) {
        try (InputStream in = ConfigValidatorFollowsTheSchemaTest.class.getResourceAsStream(resource)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
