package io.corvus.events.kafka;

import io.corvus.events.Topic;
import io.corvus.events.payload.CorvusEvent;

/** An event as a consumer received it, with where it came from. */
public record ReceivedEvent(Topic topic, int partition, long offset, String key, CorvusEvent payload) {
}
