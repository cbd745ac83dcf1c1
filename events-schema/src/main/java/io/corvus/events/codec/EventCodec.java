package io.corvus.events.codec;

import io.corvus.events.Json;
import io.corvus.events.Topic;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.corvus.events.payload.CorvusEvent;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * The one serializer and deserializer of Corvus events: a payload record becomes a CloudEvents 1.0
 * event in structured JSON mode (the CloudEvents SDK's Kafka binding), and back. Reading checks the
 * payload against its JSON Schema before binding it, so a malformed event fails with a message that
 * names the field; unknown fields are tolerated so that newer writers do not break older readers.
 */
public final class EventCodec {

    private static final String JSON = "application/json";

    /** Stateless: one serves every record, in any thread. */
    private final CloudEventDeserializer deserializer = new CloudEventDeserializer();
    private final ObjectMapper mapper;
    /**
     * Each type's schema, parsed when the first event of that type is read: an agent reads one type,
     * and parsing all of them was a quarter of its start before its first heartbeat.
     */
    private final Map<EventType, JsonSchema> schemas = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Supplier<String> ids;

    private EventCodec(Clock clock, Supplier<String> ids) {
        this.clock = clock;
        this.ids = ids;
        this.mapper = Json.mapper();
    }

    /** A codec that stamps events with the system clock and random ids. */
    public static EventCodec create() {
        return new EventCodec(Clock.system(ZoneOffset.UTC), () -> UUID.randomUUID().toString());
    }

    /** A codec with a given clock and id source, for reproducible output. */
    public static EventCodec create(Clock clock, Supplier<String> ids) {
        return new EventCodec(clock, ids);
    }

    /** The JSON mapping of payloads ({@link Json#mapper()}). */
    public ObjectMapper mapper() {
        return mapper;
    }

    public CloudEvent toCloudEvent(CorvusEvent event, String source) {
        EventType type = EventType.of(event);
        try {
            return CloudEventBuilder.v1()
                    .withId(ids.get())
                    .withSource(URI.create("/corvus/" + source))
                    .withType(type.cloudEventType())
                    .withSubject(event.clusterId().isEmpty() ? null : event.clusterId())
                    .withTime(clock.instant().atOffset(ZoneOffset.UTC))
                    .withDataSchema(type.dataSchema())
                    .withDataContentType(JSON)
                    .withData(mapper.writeValueAsBytes(event))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + type.cloudEventType() + " as JSON", e);
        }
    }

    /** The Kafka record of an event: its topic, its key, the CloudEvent in structured JSON mode. */
    public ProducerRecord<String, byte[]> toRecord(CorvusEvent event, String source) {
        Topic topic = EventType.of(event).topic();
        return KafkaMessageFactory.createWriter(topic.topicName(), event.recordKey())
                .writeStructured(toCloudEvent(event, source), JsonFormat.CONTENT_TYPE);
    }

    /** Reads a record's value, in structured or binary CloudEvents mode. */
    public CorvusEvent fromRecord(String topicName, Headers headers, byte[] value) {
        if (value == null) {
            throw new EventFormatException("the record is a tombstone: it has no event to read");
        }
        CloudEvent cloudEvent;
        try {
            cloudEvent = deserializer.deserialize(topicName, headers, value);
        } catch (RuntimeException e) {
            throw new EventFormatException("not a CloudEvents 1.0 message: " + rootMessage(e), e);
        }
        CorvusEvent event = fromCloudEvent(cloudEvent);
        Topic expected = EventType.of(event).topic();
        if (!expected.topicName().equals(topicName)) {
            throw new EventFormatException("event type " + cloudEvent.getType() + " belongs on topic "
                    + expected.topicName() + ", not on " + topicName);
        }
        return event;
    }

    public CorvusEvent fromCloudEvent(CloudEvent cloudEvent) {
        EventType type = EventType.byCloudEventType(cloudEvent.getType()).orElseThrow(() -> new EventFormatException(
                "unknown event type '" + cloudEvent.getType() + "'; known types: " + Arrays.stream(EventType.values())
                        .map(EventType::cloudEventType).collect(Collectors.joining(", "))));
        CloudEventData data = cloudEvent.getData();
        if (data == null) {
            throw new EventFormatException(type.cloudEventType() + " has no data");
        }
        JsonNode payload;
        try {
            // structured JSON mode already parsed the data: reading it again from bytes took a third of a decode
            payload = data instanceof JsonCloudEventData json ? json.getNode() : mapper.readTree(data.toBytes());
        } catch (IOException e) {
            throw new EventFormatException(type.cloudEventType() + " data is not JSON: " + rootMessage(e), e);
        }
        List<String> violations = schemas.computeIfAbsent(type, EventCodec::loadSchema).validate(payload).stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .toList();
        if (!violations.isEmpty()) {
            throw new EventFormatException(type.cloudEventType() + " breaks its schema: " + String.join("; ", violations));
        }
        CorvusEvent event;
        try {
            event = mapper.treeToValue(payload, type.payloadClass());
        } catch (JsonProcessingException e) {
            throw new EventFormatException(type.cloudEventType() + " is invalid: " + rootMessage(e), e);
        }
        if (cloudEvent.getSubject() != null && !cloudEvent.getSubject().equals(event.clusterId())) {
            throw new EventFormatException(type.cloudEventType() + " has subject '" + cloudEvent.getSubject()
                    + "' but its payload is about cluster '" + event.clusterId() + "'");
        }
        return event;
    }

    private static JsonSchema loadSchema(EventType type) {
        try (InputStream in = EventCodec.class.getResourceAsStream(type.schemaResource())) {
            if (in == null) {
                throw new IllegalStateException("schema " + type.schemaResource() + " is missing from the classpath");
            }
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
