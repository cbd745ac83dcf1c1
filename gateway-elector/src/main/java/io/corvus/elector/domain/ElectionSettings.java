package io.corvus.elector.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * @param heartbeatInterval how often agents report (default 1 s)
 * @param missedBeats       how many missed reports make a node stale (default 3)
 * @param holdDown          how long a node that failed must stay healthy before it can be elected again
 * @param linkLossGrace     how long after a peer saw its link to a node close the node may still
 *                          speak up before it counts as gone (a live agent reports its own link
 *                          loss at once; a dead one never does)
 */
public record ElectionSettings(Duration heartbeatInterval, int missedBeats, Duration holdDown, Duration linkLossGrace) {

    public static final ElectionSettings DEFAULTS = new ElectionSettings(Duration.ofSeconds(1), 3, Duration.ofSeconds(30),
            Duration.ofMillis(300));

    public ElectionSettings {
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero() || missedBeats < 1 || holdDown.isNegative()
                || linkLossGrace.isNegative()) {
            throw new IllegalArgumentException("heartbeat interval must be positive, missed beats at least 1, hold-down and link-loss "
                    + "grace not negative");
        }
    }

    /** These settings with another heartbeat interval, the rest unchanged. */
    public ElectionSettings withHeartbeatInterval(Duration interval) {
        return new ElectionSettings(interval, missedBeats, holdDown, linkLossGrace);
    }

    /** A heartbeat older than this makes its node stale. */
    public Duration freshness() {
        return heartbeatInterval.multipliedBy(missedBeats);
    }

    /**
     * Whether a node last heard from at {@code lastHeartbeat} is still fresh at {@code now}. A time
     * ahead of {@code now} (an agent's clock running fast) counts as now; never heard is stale.
     */
    public boolean isFresh(Instant lastHeartbeat, Instant now) {
        if (lastHeartbeat == null) {
            return false;
        }
        Instant seen = lastHeartbeat.isAfter(now) ? now : lastHeartbeat;
        return !seen.plus(freshness()).isBefore(now);
    }
}
