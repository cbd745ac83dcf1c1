package io.corvus.service;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Health of the service's eventing: live while every consuming loop runs; ready while, in
 * addition, the topics match the catalog. Broker reachability is Quarkus' own Kafka readiness
 * check ({@code quarkus.kafka.health.enabled}).
 */
public final class EventingHealth {

    private EventingHealth() {
    }

    @Liveness
    @Singleton
    public static class PumpsRunning implements HealthCheck {
        private final EventPumps pumps;

        PumpsRunning(EventPumps pumps) {
            this.pumps = pumps;
        }

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("corvus-event-pumps")
                    .withData("pumps", pumps.count());
            var stopped = pumps.stopped();
            return stopped.isEmpty() ? response.up().build() : response.down().withData("stopped", String.join(",", stopped)).build();
        }
    }

    @Readiness
    @Singleton
    public static class TopicsMatchCatalog implements HealthCheck {
        private final TopicsAtStartup topics;

        TopicsMatchCatalog(TopicsAtStartup topics) {
            this.topics = topics;
        }

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("corvus-topics");
            if (topics.drifts().isEmpty()) {
                return response.up().build();
            }
            var drifts = topics.drifts();
            for (int i = 0; i < drifts.size(); i++) {
                response.withData("drift-" + (i + 1), drifts.get(i).explain());
            }
            return response.down().build();
        }
    }
}
