package io.corvus.events.payload;

/**
 * The payload of a Corvus event. Each implementation is one event type (see
 * {@link io.corvus.events.codec.EventType}) with a JSON Schema in {@code schemas/}.
 */
public sealed interface CorvusEvent
        permits ConfigChanged, NodeObserved, AgentHeartbeat, GatewayTopology, ProvisioningStep, CloudState, DeadLetter {

    /** The cluster this event is about; the CloudEvent subject. */
    String clusterId();

    /** The Kafka record key, in the key format of the event's topic. */
    String recordKey();
}
