package io.corvus.config.app;

/** Where the store is fed from (the configuration topic), and whether it has caught up with it. */
public interface ConfigFeed {

    /** True once the store holds everything the topic held when the service started: only then can it answer. */
    boolean rebuilt();
}
