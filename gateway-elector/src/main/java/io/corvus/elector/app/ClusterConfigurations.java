package io.corvus.elector.app;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.corvus.events.payload.ConfigChanged;

/**
 * The newest configuration of every cluster this replica has seen. Applying is idempotent: a
 * revision at or below the one held changes nothing, so a replayed or reordered record is harmless.
 */
public final class ClusterConfigurations {

    private final Map<String, ConfigChanged> byCluster = new ConcurrentHashMap<>();

    /** @return true when the event carried a newer revision than the one held */
    public boolean apply(ConfigChanged event) {
        ConfigChanged[] applied = new ConfigChanged[1];
        byCluster.compute(event.clusterId(), (clusterId, held) -> {
            ConfigChanged newest = held == null || event.revision() > held.revision() ? event : held;
            applied[0] = newest;
            return newest;
        });
        return applied[0] == event;
    }

    /** A tombstone: the cluster's configuration was deleted. */
    public boolean remove(String clusterId) {
        return byCluster.remove(clusterId) != null;
    }

    public Optional<ConfigChanged> current(String clusterId) {
        return Optional.ofNullable(byCluster.get(clusterId));
    }
}
