package io.corvus.agent.proxy;

/** Where the heartbeat and the health check read the proxy's state: the proxy's own port. */
public interface ProxyState {

    ProxyStatus status();
}
