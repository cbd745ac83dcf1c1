package io.corvus.service;

import java.util.List;

import io.corvus.events.kafka.BootstrapReport;
import io.corvus.events.kafka.TopicBootstrap;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Makes sure the catalog's topics exist before the service consumes or publishes, and reports
 * every topic whose settings drifted from the catalog (in the log and in the readiness check).
 * With {@code corvus.topics.bootstrap=false} (the agent) it does nothing and no admin client is made.
 */
@Startup
@Singleton
public class TopicsAtStartup {

    private static final Logger LOG = Logger.getLogger(TopicsAtStartup.class);

    private final Instance<Admin> admin;
    private final boolean enabled;
    private volatile List<BootstrapReport.Drift> drifts = List.of();

    TopicsAtStartup(Instance<Admin> admin, @ConfigProperty(name = "corvus.topics.bootstrap", defaultValue = "true") boolean enabled) {
        this.admin = admin;
        this.enabled = enabled;
    }

    @PostConstruct
    void ensureTopics() {
        if (!enabled) {
            return;
        }
        BootstrapReport report = new TopicBootstrap(admin.get()).ensureTopics();
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
