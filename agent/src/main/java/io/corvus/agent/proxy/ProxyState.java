package io.corvus.agent.proxy;

/** Where the heartbeat and the health check read the proxy's state: the proxy's own port. */
public interface ProxyState {

    ProxyStatus status();

    /** Runs {@code listener} whenever a proxy link comes up or goes down; it must return at once (it runs on an event loop). */
    void onLinksChanged(Runnable listener);
}
