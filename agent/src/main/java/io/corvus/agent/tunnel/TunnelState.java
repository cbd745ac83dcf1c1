package io.corvus.agent.tunnel;

/** Where the heartbeat and the readiness check read the tunnel's state: the tunnel's own port. */
public interface TunnelState {

    TunnelStatus status();
}
