package io.corvus.agent.proxy;

import java.util.List;

/** Where the heartbeat and the health check read the proxy's state: the proxy's own port. */
public interface ProxyState {

    ProxyStatus status();

    /** The peers whose links closed while they were still talking, since the last call (for the heartbeat: each reported once). */
    List<String> drainLostPeers();

    /** Runs {@code listener} whenever a proxy link comes up or goes down; it must return at once (it runs on an event loop). */
    void onLinksChanged(Runnable listener);
}
