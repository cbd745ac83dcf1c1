package io.corvus.events.payload;

import java.time.Instant;

/**
 * A new revision of a cluster's configuration ({@code corvus.config.v1}, key {@code clusterId}).
 * Revisions grow by one per accepted change; a reader ignores a revision it has already applied.
 */
public record ConfigChanged(String clusterId, long revision, Instant changedAt, String actor, NetworkConfig config)
        implements CorvusEvent {

    public ConfigChanged {
        Checks.clusterId(clusterId);
        Checks.atLeast(revision, 1, "revision");
        Checks.present(changedAt, "changedAt");
        Checks.text(actor, "actor");
        Checks.present(config, "config");
    }

    @Override
    public String recordKey() {
        return clusterId;
    }
}
