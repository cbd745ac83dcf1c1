package io.corvus.config.adapter.kafka;

import java.util.List;

import io.corvus.events.Topic;
import io.corvus.events.kafka.TopicSnapshot;
import io.corvus.events.payload.ConfigChanged;

/** Test view of what {@code corvus.config.v1} holds, typed: every committed record. */
public final class ConfigTopic {

    /** One record: its key and its event, or null for a tombstone. */
    public record Entry(String key, ConfigChanged event) {
    }

    private ConfigTopic() {
    }

    public static List<Entry> read(String bootstrapServers) {
        return TopicSnapshot.read(bootstrapServers, Topic.CONFIG).stream()
                .map(e -> new Entry(e.key(), (ConfigChanged) e.event())).toList();
    }

    public static List<Entry> of(String bootstrapServers, String clusterId) {
        return read(bootstrapServers).stream().filter(e -> e.key().equals(clusterId)).toList();
    }
}
