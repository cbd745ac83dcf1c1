package io.corvus.config.app;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The log port without Kafka: decisions run under one lock and "publish" into a list and the store. */
final class InMemoryConfigLog implements ConfigLog {

    final List<Object> published = new ArrayList<>();
    private final ConfigStore store;

    InMemoryConfigLog(ConfigStore store) {
        this.store = store;
    }

    @Override
    public synchronized Entries commit(String clusterId, Function<ClusterState, Entries> decide) {
        Entries entries = decide.apply(store.state(clusterId));
        entries.revisions().forEach(revision -> {
            published.add(revision);
            store.apply(revision);
        });
        if (entries.tombstone()) {
            published.add("tombstone " + clusterId);
            store.delete(clusterId);
        }
        return entries;
    }
}
