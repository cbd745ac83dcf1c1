package io.corvus.agent.tunnel.linux;

/**
 * Where a WireGuard link lives. The kernel module, wireguard-go and the agent's own Java device
 * differ only in how the link comes into being and goes away: everything after that (keys, peers,
 * routes) is configured the same way, with {@code wg} and {@code ip}.
 */
interface WireGuardDriver extends AutoCloseable {

    /** {@code kernel}, {@code wireguard-go} or {@code java}, as reported. */
    String name();

    /** Makes the link; it exists, down and without configuration, when this returns. */
    void create(String device);

    /** Whether this link is one this driver runs (a link of the same name may be left by an earlier run). */
    boolean owns(IpRoute2.Link link);

    /** Removes the link (and whatever runs it). */
    void delete(String device);

    /** Stops what this driver runs, leaving no process behind. */
    @Override
    void close();
}
