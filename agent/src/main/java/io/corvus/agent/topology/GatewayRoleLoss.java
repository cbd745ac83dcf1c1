package io.corvus.agent.topology;

/**
 * Tells when this node held a gateway role (proxy or tunnel endpoint) in an earlier view and holds
 * none in the newest: the moment its agent can start afresh as lean as a node that never had one.
 * A JVM cannot unload the TLS, HTTP/2 and WireGuard code a role loaded, nor its compiled code.
 */
public final class GatewayRoleLoss implements ViewListener {

    private final String node;
    private final Runnable whenGone;
    private boolean held;

    /** @param whenGone run on the caller's thread once per loss; it must not wait for the topology follower */
    public GatewayRoleLoss(String node, Runnable whenGone) {
        this.node = node;
        this.whenGone = whenGone;
    }

    @Override
    public synchronized void apply(ClusterView view) {
        boolean holds = !view.rolesOf(node).isEmpty();
        if (held && !holds) {
            whenGone.run();
        }
        held = holds;
    }
}
