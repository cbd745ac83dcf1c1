package io.corvus.agent.topology;

import io.corvus.events.EventKey;

/** The node this agent runs on, and its cluster; checked at start-up against the rules of event keys. */
public record NodeIdentity(String clusterId, String nodeName) {

    public NodeIdentity {
        EventKey.of(clusterId, nodeName);
    }
}
