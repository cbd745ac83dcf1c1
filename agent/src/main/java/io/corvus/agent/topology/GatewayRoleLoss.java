package io.corvus.agent.topology;

/**
 * Tells when this node held a gateway role (proxy or tunnel endpoint) in an earlier view and holds
 * none in the newest: the moment its agent can start afresh as lean as a node that never had one
 * (a JVM cannot unload the TLS, HTTP/2 and WireGuard code a role loaded, nor its compiled code);
 * and when a role comes back after that, so that a loss undone soon costs no restart.
 */
public final class GatewayRoleLoss implements ViewListener {

    /** Told on the topology follower's thread; neither may wait for that thread. */
    public interface Listener {

        /** For an agent that keeps what its roles loaded. */
        Listener IGNORED = new Listener() {
            @Override
            public void roleGone() {
            }

            @Override
            public void roleBack() {
            }
        };

        /** The node's last gateway role went; told once per loss. */
        void roleGone();

        /** The node holds a gateway role again after {@link #roleGone()}. */
        void roleBack();
    }

    private final String node;
    private final Listener listener;
    private boolean held;
    private boolean lost;

    public GatewayRoleLoss(String node, Listener listener) {
        this.node = node;
        this.listener = listener;
    }

    @Override
    public synchronized void apply(ClusterView view) {
        boolean holds = !view.rolesOf(node).isEmpty();
        if (held && !holds) {
            lost = true;
            listener.roleGone();
        } else if (lost && holds) {
            lost = false;
            listener.roleBack();
        }
        held = holds;
    }
}
