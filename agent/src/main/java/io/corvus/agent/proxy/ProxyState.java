package io.corvus.agent.proxy;

import java.util.List;
import java.util.Set;

/** Where the heartbeat and the health check read the proxy's state: the proxy's own port. */
public interface ProxyState {

    ProxyStatus status();

    /** The peers whose links closed while they were still talking, since the last call (for the heartbeat: each reported once). */
    List<String> drainLostPeers();

    /** The tunnel gateways' presence connections of this node. */
    PresenceStatus tunnelPresence();

    /**
     * @param held the tunnel gateways this node holds a presence connection with
     * @param lost those whose presence connection closed as a loss and has not come back: a probe
     *             result older than the loss vouches for nothing, or the next heartbeat would undo
     *             the report
     */
    record PresenceStatus(Set<String> held, Set<String> lost) {
        public PresenceStatus {
            held = Set.copyOf(held);
            lost = Set.copyOf(lost);
        }
    }

    /** Runs {@code listener} whenever a proxy link or a tunnel presence connection comes up or goes down; it must return at once (it runs on an event loop). */
    void onLinksChanged(Runnable listener);
}
