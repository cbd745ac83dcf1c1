package io.corvus.events.codec;

import io.corvus.events.Topic;
import java.net.URI;
import java.util.Optional;

import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.CorvusEvent;
import io.corvus.events.payload.DeadLetter;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NodeObserved;
import io.corvus.events.payload.ProvisioningStep;

/**
 * Every event type: its CloudEvents {@code type}, the topic it travels on, its payload record and
 * its JSON Schema. A change that breaks an old reader gets a new {@code v2} type and schema.
 */
public enum EventType {
    CONFIG_CHANGED("io.corvus.config.changed.v1", Topic.CONFIG, ConfigChanged.class, "config-changed.v1.json"),
    NODE_OBSERVED("io.corvus.node.observed.v1", Topic.NODES, NodeObserved.class, "node-observed.v1.json"),
    AGENT_HEARTBEAT("io.corvus.agent.heartbeat.v1", Topic.AGENT_STATUS, AgentHeartbeat.class, "agent-heartbeat.v1.json"),
    TOPOLOGY_CHANGED("io.corvus.topology.changed.v1", Topic.TOPOLOGY, GatewayTopology.class, "topology-changed.v1.json"),
    PROVISIONING_PROGRESSED("io.corvus.provisioning.progressed.v1", Topic.PROVISIONING, ProvisioningStep.class,
            "provisioning-progressed.v1.json"),
    CLOUD_STATE_CHANGED("io.corvus.cloudstate.changed.v1", Topic.CLOUD_STATE, CloudState.class, "cloudstate-changed.v1.json"),
    DEAD_LETTER_RECORDED("io.corvus.deadletter.recorded.v1", Topic.DLQ, DeadLetter.class, "deadletter-recorded.v1.json");

    /** Where every schema's {@code $id} points; the same base as the schemas' own {@code $id}s. */
    public static final String SCHEMA_BASE = "https://corvus.io/schemas/";

    private final String cloudEventType;
    private final Topic topic;
    private final Class<? extends CorvusEvent> payloadClass;
    private final String schemaFile;

    EventType(String cloudEventType, Topic topic, Class<? extends CorvusEvent> payloadClass, String schemaFile) {
        this.cloudEventType = cloudEventType;
        this.topic = topic;
        this.payloadClass = payloadClass;
        this.schemaFile = schemaFile;
    }

    public String cloudEventType() {
        return cloudEventType;
    }

    public Topic topic() {
        return topic;
    }

    public Class<? extends CorvusEvent> payloadClass() {
        return payloadClass;
    }

    /** Classpath location of the payload's JSON Schema. */
    public String schemaResource() {
        return "/schemas/" + schemaFile;
    }

    /**
     * The CloudEvents {@code dataschema}: the schema's {@code $id}, an absolute URI as CloudEvents 1.0
     * requires (the schema itself ships in events-schema at {@link #schemaResource()}).
     */
    public URI dataSchema() {
        return URI.create(SCHEMA_BASE + schemaFile);
    }

    public static EventType of(CorvusEvent event) {
        for (EventType type : values()) {
            if (type.payloadClass == event.getClass()) {
                return type;
            }
        }
        throw new IllegalStateException("no event type for " + event.getClass().getName());
    }

    public static Optional<EventType> byCloudEventType(String cloudEventType) {
        for (EventType type : values()) {
            if (type.cloudEventType.equals(cloudEventType)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
