package io.corvus.agent.proxy;

import java.util.Set;
import java.util.TreeSet;

import io.corvus.events.payload.GatewayTopology;

/**
 * What the edge side of a link may dial: only the nodes of its own pool, by name or address,
 * and only the allowed ports. Anything else is refused with the reason: the agent is never an
 * open proxy, whatever the cloud side asks for.
 */
public final class DialPolicy {

    /** The outcome for one requested target. */
    public sealed interface Decision {
    }

    /** Dial this address and port, the node named. */
    public record Allowed(String nodeName, String address, int port) implements Decision {
    }

    /** @param status the HTTP status the refusal is answered with (400 bad request, 403 forbidden) */
    public record Refused(int status, String reason) implements Decision {
    }

    private final GatewayTopology pool;
    private final Set<Integer> allowedPorts;

    /** @param pool the edge pool this agent is the gateway of, or null when it is none */
    public DialPolicy(GatewayTopology pool, Set<Integer> allowedPorts) {
        this.pool = pool;
        this.allowedPorts = Set.copyOf(allowedPorts);
    }

    public Decision decide(String requested) {
        Authority target;
        try {
            target = Authority.parse(requested);
        } catch (IllegalArgumentException e) {
            return new Refused(400, e.getMessage());
        }
        if (pool == null) {
            return new Refused(403, "this node is not the gateway of an edge pool");
        }
        if (!allowedPorts.contains(target.port())) {
            return new Refused(403, "port " + target.port() + " is not allowed; allowed: " + new TreeSet<>(allowedPorts));
        }
        for (GatewayTopology.Member member : pool.members()) {
            if (member.privateIp() != null && (member.nodeName().equals(target.host()) || member.privateIp().equals(target.host()))) {
                return new Allowed(member.nodeName(), member.privateIp(), target.port());
            }
        }
        return new Refused(403, target.host() + " is not a node of pool " + pool.nodePool());
    }
}
