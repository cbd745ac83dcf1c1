package io.corvus.elector.app;

import io.corvus.events.payload.GatewayTopology;

/** Told of each topology once the broker acknowledged it, with the one it replaced (null for the first). */
@FunctionalInterface
public interface TopologyListener {

    void published(GatewayTopology previous, GatewayTopology next);
}
