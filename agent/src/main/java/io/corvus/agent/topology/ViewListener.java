package io.corvus.agent.topology;

/** A part of the agent that follows the topology: told each new view of its cluster, in order. */
@FunctionalInterface
public interface ViewListener {

    /** Applies the newest view; idempotent. */
    void apply(ClusterView view);
}
