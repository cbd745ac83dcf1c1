package io.corvus.elector.domain;

import java.time.Instant;

/**
 * What the elector knows of a node's agent.
 *
 * @param lastHeartbeat    when its agent last reported, or null when it never did
 * @param recoveredAt      when it last became a candidate again after having failed, or null when
 *                         it never failed; until the hold-down has passed it is elected only when
 *                         no steadier candidate is left
 * @param observedPublicIp the public address the agent reported, if any
 * @param tunnelPublicKey  the agent's tunnel-mode public key, if any
 * @param proxyServerPort  the port of the agent's proxy tunnel server when it is not the default
 */
public record NodeHealth(Instant lastHeartbeat, Instant recoveredAt, String observedPublicIp, String tunnelPublicKey,
        Integer proxyServerPort) {

    public static final NodeHealth UNKNOWN = new NodeHealth(null, null, null, null, null);
}
