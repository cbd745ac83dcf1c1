package io.corvus.events.payload;

import java.time.Instant;

import io.corvus.events.EventKey;

/**
 * A record a service could not parse or apply ({@code corvus.dlq.v1}, under the record's original
 * key). It keeps the original bytes, so nothing is lost, and says why it was set aside.
 *
 * @param originalKey         the original record key, or null when it had none
 * @param originalValueBase64 the original value bytes, base64; null for a tombstone
 */
public record DeadLetter(
        String originalTopic,
        int originalPartition,
        long originalOffset,
        String originalKey,
        String originalValueBase64,
        String reason,
        String failedService,
        Instant at) implements CorvusEvent {

    public DeadLetter {
        Checks.text(originalTopic, "originalTopic");
        Checks.atLeast(originalPartition, 0, "originalPartition");
        Checks.atLeast(originalOffset, 0, "originalOffset");
        Checks.text(reason, "reason");
        Checks.text(failedService, "failedService");
        Checks.present(at, "at");
    }

    /** The clusterId part of the original key, which may itself be malformed; empty without a key. */
    @Override
    public String clusterId() {
        return originalKey == null ? "" : EventKey.clusterPart(originalKey);
    }

    @Override
    public String recordKey() {
        return originalKey;
    }
}
