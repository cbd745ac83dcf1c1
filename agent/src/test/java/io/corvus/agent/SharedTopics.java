package io.corvus.agent;

import java.util.Map;

import io.corvus.events.kafka.TopicBootstrap;
import org.apache.kafka.clients.admin.Admin;

/** An agent creates no topics (the launcher or the chart does): tests on the shared broker create the catalog's first. */
public final class SharedTopics {

    private SharedTopics() {
    }

    public static void ensure(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            new TopicBootstrap(admin).ensureTopics();
        }
    }
}
