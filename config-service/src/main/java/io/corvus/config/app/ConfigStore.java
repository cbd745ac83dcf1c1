package io.corvus.config.app;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.corvus.config.domain.ConfigDiff;
import io.corvus.config.domain.ConfigDocument;
import io.corvus.events.payload.ConfigChanged;

/**
 * The configurations and their history, as rebuilt from {@code corvus.config.v1}. Applying is
 * idempotent: a revision at or below the newest one known changes nothing, so the service's own
 * writes (applied at once) and the same records read back from the topic meet without harm.
 */
public final class ConfigStore {

    /** One accepted revision: when, by whom, and which fields it changed. */
    public record HistoryEntry(long revision, Instant changedAt, String actor, List<String> changes) {
    }

    private final Map<String, ConfigChanged> current = new HashMap<>();
    private final Map<String, Long> lastRevision = new HashMap<>();
    private final Map<String, List<HistoryEntry>> history = new HashMap<>();

    public synchronized void apply(ConfigChanged event) {
        String clusterId = event.clusterId();
        if (event.revision() <= lastRevision.getOrDefault(clusterId, 0L)) {
            return;
        }
        ConfigChanged before = current.put(clusterId, event);
        lastRevision.put(clusterId, event.revision());
        List<String> changes = ConfigDiff.between(before == null ? null : ConfigDocument.of(before.config()),
                ConfigDocument.of(event.config()));
        history.computeIfAbsent(clusterId, id -> new ArrayList<>())
                .add(new HistoryEntry(event.revision(), event.changedAt(), event.actor(), changes));
    }

    /** The configuration was deleted (a tombstone): it has no current revision any more. */
    public synchronized void delete(String clusterId) {
        current.remove(clusterId);
    }

    public synchronized ClusterState state(String clusterId) {
        return new ClusterState(Optional.ofNullable(current.get(clusterId)), lastRevision.getOrDefault(clusterId, 0L));
    }

    public synchronized Optional<ConfigChanged> current(String clusterId) {
        return Optional.ofNullable(current.get(clusterId));
    }

    /** The history of a cluster that has, or had, a configuration; oldest first. */
    public synchronized Optional<List<HistoryEntry>> history(String clusterId) {
        return Optional.ofNullable(history.get(clusterId)).map(List::copyOf);
    }

    public synchronized List<ConfigChanged> all() {
        return current.values().stream().sorted(Comparator.comparing(ConfigChanged::clusterId)).toList();
    }
}
