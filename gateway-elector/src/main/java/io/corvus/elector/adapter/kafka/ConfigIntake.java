package io.corvus.elector.adapter.kafka;

import java.util.List;

import io.corvus.elector.app.ClusterConfigurations;
import io.corvus.events.Topic;
import io.corvus.events.kafka.EventHandler;
import io.corvus.events.kafka.ReceivedEvent;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.service.EventPumps;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Follows {@code corvus.config.v1} for the clusters of this replica's partitions. */
@Singleton
public class ConfigIntake implements EventHandler {

    private static final Logger LOG = Logger.getLogger(ConfigIntake.class);

    private final ClusterConfigurations configurations = new ClusterConfigurations();

    @Produces
    ClusterConfigurations configurations() {
        return configurations;
    }

    void start(@Observes StartupEvent startup, EventPumps pumps) {
        pumps.subscribe("config", List.of(Topic.CONFIG), this);
    }

    @Override
    public void onEvent(ReceivedEvent event) {
        ConfigChanged config = (ConfigChanged) event.payload();
        if (configurations.apply(config)) {
            LOG.infof("cluster %s: configuration revision %d (proxy %s, tunnel %s)", config.clusterId(), config.revision(),
                    config.config().proxy().enabled(), config.config().tunnel().enabled());
        }
    }

    @Override
    public void onTombstone(Topic topic, String key) {
        if (configurations.remove(key)) {
            LOG.infof("cluster %s: configuration deleted", key);
        }
    }
}
