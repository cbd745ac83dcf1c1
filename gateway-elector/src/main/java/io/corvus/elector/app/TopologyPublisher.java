package io.corvus.elector.app;

import java.util.List;

import io.corvus.events.payload.GatewayTopology;

/** Where elected topologies go: {@code corvus.topology.v1}. Returns once the broker acknowledged. */
public interface TopologyPublisher {

    /** Publishes the gateways of one cluster that one election changed, all or none. */
    void publish(List<GatewayTopology> topologies) throws Exception;
}
