package io.corvus.agent.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.corvus.agent.tunnel.TunnelState;
import io.corvus.agent.tunnel.TunnelStatus;

/**
 * {@code corvus-tunnel}: ready when the tunnel does what the topology asks of this node; on a
 * tunnel endpoint only once every peer answered its last probe through the tunnel. A node with no
 * tunnel role is ready, unless tunnel mode is on for its pool and cannot run here (no preshared key).
 */
public record TunnelReadiness(TunnelState tunnel) implements Supplier<Check> {

    @Override
    public Check get() {
        TunnelStatus status = tunnel.status();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("role", status.role().name());
        if (status.mtu() != null) {
            data.put("mtu", status.mtu());
        }
        status.peers().forEach(peer -> data.put("peer " + peer.nodeName(), peer.probeOk() == null ? "not probed yet"
                : peer.probeOk() ? "answers (" + peer.probeRttMillis() + " ms)" : "does not answer"));
        if (status.problem() != null) {
            data.put("problem", status.problem());
        }
        return new Check("corvus-tunnel", status.ready(), data);
    }
}
