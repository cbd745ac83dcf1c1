package io.corvus.config.app;

import java.util.Optional;

import io.corvus.events.payload.ConfigChanged;

/**
 * What is known of one cluster's configuration when a change is decided.
 *
 * @param current      the newest revision, empty when the cluster has none (never had, or deleted)
 * @param lastRevision the highest revision ever seen, also of a deleted configuration, so that
 *                     revisions keep growing across a delete and re-create
 */
public record ClusterState(Optional<ConfigChanged> current, long lastRevision) {

    public static final ClusterState NONE = new ClusterState(Optional.empty(), 0);

    public long nextRevision() {
        return lastRevision + 1;
    }
}
