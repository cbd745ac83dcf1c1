package io.corvus.agent.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.corvus.agent.proxy.ProxyState;
import io.corvus.agent.proxy.ProxyStatus;
import io.corvus.events.payload.AgentHeartbeat.Role;

/**
 * {@code corvus-proxy}: ready when the proxy does what the topology asks of this node. An edge
 * gateway is ready once its link to the cloud is up; a role that cannot start (no certificate,
 * a port taken) is not ready, with the reason.
 */
public record ProxyReadiness(ProxyState proxy) implements Supplier<Check> {

    @Override
    public Check get() {
        ProxyStatus status = proxy.status();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("roles", status.roles().toString());
        data.put("peers", String.join(",", status.peers()));
        String problem = status.problem() != null ? status.problem()
                : status.roles().contains(Role.PROXY_CLIENT) && !status.linkUp() ? "the link to the cloud gateway is not up yet" : null;
        if (problem != null) {
            data.put("problem", problem);
        }
        return new Check("corvus-proxy", problem == null, data);
    }
}
