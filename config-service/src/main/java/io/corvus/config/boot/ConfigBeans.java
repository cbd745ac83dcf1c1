package io.corvus.config.boot;

import java.time.Clock;

import io.corvus.config.app.ConfigLog;
import io.corvus.config.app.ConfigService;
import io.corvus.config.app.ConfigStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the plain-Java core of the service for CDI. */
public class ConfigBeans {

    @Produces
    @Singleton
    ConfigStore store() {
        return new ConfigStore();
    }

    @Produces
    @Singleton
    ConfigService service(ConfigLog log, ConfigStore store, Clock clock) {
        return new ConfigService(log, store, clock);
    }
}
