package io.corvus.agent.health;

import io.corvus.agent.proxy.ProxyState;
import io.corvus.agent.proxy.ProxyStatus;
import io.corvus.events.payload.AgentHeartbeat.Role;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code corvus-proxy}: ready when the proxy does what the topology asks of this node. An edge
 * gateway is ready once its link to the cloud is up; a role that cannot start (no certificate,
 * a port taken) is not ready, with the reason.
 */
@Readiness
@Singleton
public class ProxyReadiness implements HealthCheck {

    private final ProxyState proxy;

    ProxyReadiness(ProxyState proxy) {
        this.proxy = proxy;
    }

    @Override
    public HealthCheckResponse call() {
        ProxyStatus status = proxy.status();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("corvus-proxy")
                .withData("roles", status.roles().toString()).withData("peers", String.join(",", status.peers()));
        if (status.problem() != null) {
            return response.down().withData("problem", status.problem()).build();
        }
        if (status.roles().contains(Role.PROXY_CLIENT) && !status.linkUp()) {
            return response.down().withData("problem", "the link to the cloud gateway is not up yet").build();
        }
        return response.up().build();
    }
}
