package io.corvus.agent.tunnel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How this node runs tunnel mode.
 *
 * @param driver            where WireGuard runs
 * @param stateDirectory    where the node's private key is kept (0600), so a restart keeps it
 * @param presharedKeyFile  the cluster's preshared key (a Secret's file; the local run generates one);
 *                          without it tunnel mode stays off on this node and says why
 * @param underlayDevice    the device of the node's private address; found by that address when empty
 * @param probeInterval     how often a gateway probes each peer through the tunnel
 * @param resyncInterval    how often the node's tunnel objects are compared with the plan even when
 *                          the topology did not change (something else may have removed one)
 */
public record TunnelNodeSettings(TunnelLayout layout, Driver driver, Path stateDirectory, Optional<Path> presharedKeyFile,
        Optional<String> underlayDevice, Duration probeInterval, Duration resyncInterval) {

    /**
     * Where WireGuard runs: the kernel module, Debian's wireguard-go in user space, Corvus's own in
     * the agent's process, or the first of kernel and Java that works.
     */
    public enum Driver { AUTO, KERNEL, WIREGUARD_GO, JAVA }

    public TunnelNodeSettings {
        if (probeInterval.isNegative() || probeInterval.isZero() || resyncInterval.isNegative() || resyncInterval.isZero()) {
            throw new IllegalArgumentException("corvus.agent.tunnel.probe-interval and .resync-interval must be positive durations");
        }
    }
}
