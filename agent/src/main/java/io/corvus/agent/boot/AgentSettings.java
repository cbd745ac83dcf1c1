package io.corvus.agent.boot;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Who this agent is: set from the environment ({@code CORVUS_AGENT_*}) on every node. */
@ConfigMapping(prefix = "corvus.agent")
public interface AgentSettings {

    /** The cluster the node belongs to (a DNS-1123 label). */
    String clusterId();

    /** The Kubernetes node name. */
    String nodeName();

    /** How often the agent tells the elector it is alive. */
    @WithDefault("1s")
    Duration heartbeatInterval();
}
