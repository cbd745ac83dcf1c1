package io.corvus.events.kafka;

import io.corvus.events.Topic;

/**
 * What a service does with the events it consumes. Handlers must be idempotent: at-least-once
 * delivery hands them a record again after a restart or a rebalance.
 */
public interface EventHandler {

    /** Applies one event; an exception sends the record to the dead-letter topic with its message. */
    void onEvent(ReceivedEvent event) throws Exception;

    /** A key was removed from a compacted topic. */
    default void onTombstone(Topic topic, String key) throws Exception {
    }
}
