package io.corvus.elector.boot;

import java.time.Duration;

import io.corvus.elector.domain.ElectionSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the elector decides, and how many clusters it elects at once. */
@ConfigMapping(prefix = "corvus.elector")
public interface ElectorSettings {

    /** How often agents send heartbeats (they are told the same). */
    @WithDefault("1s")
    Duration heartbeatInterval();

    /** How many missed heartbeats make a node stale. */
    @WithDefault("3")
    int missedBeats();

    /** How long a node that failed must stay healthy before it is preferred again. */
    @WithDefault("30s")
    Duration holdDown();

    /**
     * How long a node whose proxy link a peer saw close may still speak up before its endpoints
     * move (a live agent reports its own link loss at once).
     */
    @WithDefault("300ms")
    Duration linkLossGrace();

    /** Clusters elected at the same time (each by one worker; a cluster never by two). */
    @WithDefault("4")
    int workers();

    default ElectionSettings election() {
        return new ElectionSettings(heartbeatInterval(), missedBeats(), holdDown(), linkLossGrace());
    }
}
