package io.corvus.elector.app;

import io.corvus.events.payload.GatewayTopology;

/** Where elected topologies go: {@code corvus.topology.v1}. Returns once the broker acknowledged. */
public interface TopologyPublisher {

    void publish(GatewayTopology topology) throws Exception;
}
