package io.corvus.config.adapter.kafka;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code corvus-configurations}: ready once every configuration committed when the service started
 * has been read. Until then the API answers 503, so a Service must not route to the replica yet.
 */
@Readiness
@Singleton
public class ConfigFeedReadiness implements HealthCheck {

    private final ConfigFollower follower;

    ConfigFeedReadiness(ConfigFollower follower) {
        this.follower = follower;
    }

    @Override
    public HealthCheckResponse call() {
        return follower.rebuilt()
                ? HealthCheckResponse.up("corvus-configurations")
                : HealthCheckResponse.named("corvus-configurations").down()
                        .withData("reason", "still reading the configurations from corvus.config.v1").build();
    }
}
