package io.corvus.agent.proxy;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import io.corvus.events.Backoff;

/**
 * How this agent's proxy runs.
 *
 * @param tls          the node's certificate, key and CA; without them no proxy role can start
 * @param linkPort     the port of the link server a cloud gateway runs (edge gateways dial in)
 * @param presencePort the TCP port of the tunnel hub's presence connections (other gateways dial in)
 * @param allowedPorts the target ports the edge side may dial
 * @param stallTimeout how long a relayed socket may take no byte while bytes wait for it
 * @param sendBudget   what all relays together may hold to send before they stop reading
 */
public record ProxySettings(String node, String bindAddress, int linkPort, int httpsPort, int httpPort, int presencePort,
        Optional<TlsFiles> tls, Set<Integer> allowedPorts, DialMode dialMode, Duration keepalive, Duration deadAfter,
        Duration dialTimeout, Duration stallTimeout, SendBudget sendBudget, Backoff reconnect, int eventLoopThreads) {

    public ProxySettings {
        positive("keepalive", keepalive);
        positive("dead-after", deadAfter);
        positive("dial-timeout", dialTimeout);
        positive("stall-timeout", stallTimeout);
        allowedPorts = Set.copyOf(allowedPorts);
    }

    /** A zero timeout would cut every stream at once, a zero keepalive flood the peer with PINGs. */
    private static void positive(String setting, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("corvus.agent.proxy." + setting + " must be a positive duration such as 2s or 5m, not "
                    + value);
        }
    }
}
