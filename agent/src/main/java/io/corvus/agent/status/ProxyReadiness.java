package io.corvus.agent.status;

import io.corvus.agent.proxy.ProxyRuntime;
import io.corvus.events.payload.AgentHeartbeat.Role;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code corvus-proxy}: ready when the proxy does what the topology asks of this node. An edge
 * gateway is ready once its tunnel to the cloud is up; a role that cannot start (no certificate,
 * a port taken) is not ready, with the reason.
 */
@Readiness
@Singleton
public class ProxyReadiness implements HealthCheck {

    private final ProxyRuntime runtime;

    ProxyReadiness(ProxyRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public HealthCheckResponse call() {
        ProxyRuntime.Status status = runtime.status();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("corvus-proxy")
                .withData("roles", status.roles().toString()).withData("peers", String.join(",", status.peers()));
        if (status.problem() != null) {
            return response.down().withData("problem", status.problem()).build();
        }
        if (status.roles().contains(Role.PROXY_CLIENT) && !status.tunnelUp()) {
            return response.down().withData("problem", "the tunnel to the cloud gateway is not up yet").build();
        }
        return response.up().build();
    }
}
