package io.corvus.agent.health;

import io.corvus.agent.tunnel.TunnelState;
import io.corvus.agent.tunnel.TunnelStatus;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code corvus-tunnel}: ready when the tunnel does what the topology asks of this node; on a
 * tunnel endpoint only once every peer answered its last probe through the tunnel. A node with no
 * tunnel role is ready, unless tunnel mode is on for its pool and cannot run here (no preshared key).
 */
@Readiness
@Singleton
public class TunnelReadiness implements HealthCheck {

    private final TunnelState tunnel;

    TunnelReadiness(TunnelState tunnel) {
        this.tunnel = tunnel;
    }

    @Override
    public HealthCheckResponse call() {
        TunnelStatus status = tunnel.status();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("corvus-tunnel").withData("role", status.role().name());
        if (status.mtu() != null) {
            response.withData("mtu", status.mtu());
        }
        status.peers().forEach(peer -> response.withData("peer " + peer.nodeName(), peer.probeOk() == null ? "not probed yet"
                : peer.probeOk() ? "answers (" + peer.probeRttMillis() + " ms)" : "does not answer"));
        if (status.problem() != null) {
            response.withData("problem", status.problem());
        }
        return status.ready() ? response.up().build() : response.down().build();
    }
}
