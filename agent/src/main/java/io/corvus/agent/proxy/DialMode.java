package io.corvus.agent.proxy;

/** How an edge gateway reaches the cloud gateways' link servers. */
public enum DialMode {
    /** Through the cloud side's public entry (the EIP or CLB in the topology). */
    EXPOSURE,
    /** Straight to each cloud proxy endpoint's private address: a flat network, or the local run. */
    ENDPOINTS
}
