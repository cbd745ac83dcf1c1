package io.corvus.events.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.corvus.events.ExampleEvents;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.codec.EventType;
import io.corvus.events.payload.CorvusEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The JSON Schemas are the published contract: they must accept what we write and match the records. */
class SchemaTest {

    private final ObjectMapper mapper = EventCodec.create().mapper();

    static Stream<CorvusEvent> examples() {
        return ExampleEvents.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyExampleEventValidatesAgainstItsSchema(CorvusEvent example) throws IOException {
        JsonSchema schema = schema(EventType.of(example));

        Set<ValidationMessage> errors = schema.validate(mapper.valueToTree(example));

        assertThat(errors).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everySchemaDescribesExactlyTheFieldsOfItsRecord(EventType type) throws IOException {
        JsonNode schema = rawSchema(type);
        Set<String> schemaFields = new HashSet<>();
        schema.get("properties").fieldNames().forEachRemaining(schemaFields::add);
        Set<String> recordFields = new HashSet<>(Arrays.stream(type.payloadClass().getRecordComponents())
                .map(RecordComponent::getName).toList());

        assertThat(schemaFields).isEqualTo(recordFields);
        assertThat(schema.get("title").asText()).isEqualTo(type.cloudEventType());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyEventsDataschemaIsItsSchemasAbsoluteId(EventType type) throws IOException {
        assertThat(type.dataSchema().isAbsolute()).isTrue();
        assertThat(rawSchema(type).get("$id").asText()).isEqualTo(type.dataSchema().toString());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everySchemaIsItselfValidDraft2020_12(EventType type) throws IOException {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        JsonSchema metaSchema = factory.getSchema(URI.create("https://json-schema.org/draft/2020-12/schema"));

        assertThat(metaSchema.validate(rawSchema(type))).isEmpty();
    }

    private JsonSchema schema(EventType type) throws IOException {
        try (InputStream in = getClass().getResourceAsStream(type.schemaResource())) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    private JsonNode rawSchema(EventType type) throws IOException {
        try (InputStream in = getClass().getResourceAsStream(type.schemaResource())) {
            return mapper.readTree(in);
        }
    }
}
