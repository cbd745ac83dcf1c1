package io.corvus.elector.boot;

import java.time.Duration;
import java.util.Optional;

import io.corvus.elector.domain.ElectionSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the elector decides and how often it looks. */
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

    /** How often owned clusters are checked for expired heartbeats. */
    @WithDefault("250ms")
    Duration tick();

    /** A static node inventory (YAML) to publish to corvus.nodes.v1, for a run without Kubernetes. */
    Optional<String> inventoryFile();

    /** The Kubernetes cluster the elector runs in. */
    Kubernetes kubernetes();

    interface Kubernetes {
        /** The cluster id of the cluster the elector runs in: turns on the Node informer and Node events. */
        Optional<String> clusterId();
    }

    default ElectionSettings election() {
        return new ElectionSettings(heartbeatInterval(), missedBeats(), holdDown());
    }
}
