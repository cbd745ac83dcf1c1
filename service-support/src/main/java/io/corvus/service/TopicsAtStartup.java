package io.corvus.service;

import java.util.List;

import io.corvus.events.kafka.BootstrapReport;
import io.corvus.events.kafka.TopicBootstrap;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Makes sure the catalog's topics exist before the service consumes or publishes, and reports
 * every topic whose settings drifted from the catalog (in the log and in the readiness check).
 */
@Startup
@Singleton
public class TopicsAtStartup {

    private static final Logger LOG = Logger.getLogger(TopicsAtStartup.class);

    private final Admin admin;
    private final boolean enabled;
    private volatile List<BootstrapReport.Drift> drifts = List.of();

    TopicsAtStartup(Admin admin, @ConfigProperty(name = "corvus.topics.bootstrap", defaultValue = "true") boolean enabled) {
        this.admin = admin;
        this.enabled = enabled;
    }

    @PostConstruct
    void ensureTopics() {
        if (!enabled) {
            return;
        }
        BootstrapReport report = new TopicBootstrap(admin).ensureTopics();
        if (!report.created().isEmpty()) {
            LOG.infof("created topics %s", report.created());
        }
        report.drifts().forEach(drift -> LOG.error(drift.explain()));
        drifts = report.drifts();
    }

    public List<BootstrapReport.Drift> drifts() {
        return drifts;
    }
}
