package io.corvus.config.adapter.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.corvus.events.Json;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Puts the contract's own schemas into the OpenAPI document: {@code NetworkConfig} is the JSON
 * Schema events-schema publishes (the one definition of the document's shape), {@code Problem} and
 * {@code Revision} are this API's answers; and the bearer scheme every {@code /api} call needs.
 * The resource's request bodies and responses refer to them by name.
 */
public class OpenApiContract implements OASFilter {

    static final String BEARER = "bearer";
    /** Keys whose value is itself a schema, or a list or map of schemas. */
    private static final List<String> SCHEMA_KEYS = List.of("items", "not", "propertyNames", "contains");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents() == null ? OASFactory.createComponents() : openAPI.getComponents();
        components.addSchema("NetworkConfig", schema(load("/schemas/network-config.v1.json")));
        components.addSchema("Problem", schema(load("/openapi/Problem.json")));
        components.addSchema("Revision", schema(load("/openapi/Revision.json")));
        components.addSecurityScheme(BEARER, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                .description("A token from the service's configuration (corvus.auth.tokens.<name>.secret): admin to write, viewer to read"));
        openAPI.setComponents(components);
    }

    /** A JSON Schema (2020-12, which OpenAPI 3.1 speaks) as the OpenAPI model holds it. */
    static Schema schema(JsonNode json) {
        Schema schema = OASFactory.createSchema();
        json.properties().forEach(entry -> {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            switch (key) {
                case "$schema", "$id" -> { } // the component's name stands for the document's identity here
                case "$ref" -> schema.setRef(value.asText());
                case "type" -> {
                    if (value.isArray()) {
                        value.forEach(type -> schema.addType(Schema.SchemaType.valueOf(type.asText().toUpperCase())));
                    } else {
                        schema.addType(Schema.SchemaType.valueOf(value.asText().toUpperCase()));
                    }
                }
                case "properties" -> {
                    Map<String, Schema> properties = new LinkedHashMap<>();
                    value.properties().forEach(property -> properties.put(property.getKey(), schema(property.getValue())));
                    schema.setProperties(properties);
                }
                case "additionalProperties" -> {
                    if (value.isBoolean()) {
                        schema.setAdditionalPropertiesBoolean(value.asBoolean());
                    } else {
                        schema.setAdditionalPropertiesSchema(schema(value));
                    }
                }
                case "oneOf", "anyOf", "allOf" -> {
                    List<Schema> schemas = new ArrayList<>();
                    value.forEach(item -> schemas.add(schema(item)));
                    schema.set(key, schemas);
                }
                case "minimum", "maximum" -> schema.set(key, new BigDecimal(value.asText()));
                default -> schema.set(key, SCHEMA_KEYS.contains(key) ? schema(value) : Json.mapper().convertValue(value, Object.class));
            }
        });
        return schema;
    }

    private static JsonNode load(String resource) {
        try (InputStream in = OpenApiContract.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
