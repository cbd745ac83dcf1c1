package io.corvus.agent.tunnel.linux;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.corvus.wireguard.DeviceConfig;
import io.corvus.wireguard.TransportCiphers;
import io.corvus.wireguard.linux.Device;
import org.jboss.logging.Logger;

/**
 * WireGuard in the agent's own process: Corvus's implementation in Java (module {@code wireguard}),
 * for nodes whose kernel has no WireGuard, with no binary beyond the agent. Its link is a TUN
 * device the agent holds open, so it goes with the agent's process however that ends. It starts
 * with no key and no peers and is configured, as wireguard-go is, by {@code wg} through its control
 * socket {@code /var/run/wireguard/<link>.sock}.
 */
final class JavaWireGuard implements WireGuardDriver {

    private static final Logger LOG = Logger.getLogger(JavaWireGuard.class);

    private final Commands commands;
    private final Map<String, Device> running = new ConcurrentHashMap<>();

    JavaWireGuard(Commands commands) {
        this.commands = commands;
    }

    @Override
    public String name() {
        return "java";
    }

    /** A device of this name that lost its link (someone deleted it) is stopped first: it still holds its port and socket. */
    @Override
    public void create(String device) {
        if (running.containsKey(device)) {
            delete(device);
        }
        try {
            running.put(device, Device.start(DeviceConfig.UNCONFIGURED, device, Device.DEFAULT_MTU, Device.REKEY_AFTER_MESSAGES,
                    Clock.systemUTC()));
        } catch (IOException | IllegalArgumentException e) {
            throw new Commands.Failed(List.of("java-wireguard", device), -1, "cannot start the Java WireGuard device " + device + ": "
                    + e.getMessage());
        }
        TransportCiphers.Choice cipher = TransportCiphers.chosen();
        LOG.infof("the agent's own WireGuard runs link %s, sealing with %s (%s)", device, cipher.cipher().description(), cipher.reason());
    }

    /**
     * Stops the device, then deletes its link: its reader blocks in the TUN device until the link
     * goes, and a deleted link answers it with an error it no longer reports.
     */
    @Override
    public void delete(String device) {
        Device stopped = running.remove(device);
        if (stopped != null) {
            try {
                stopped.close();
            } catch (IOException e) {
                LOG.warnf("stopping the WireGuard device %s: %s", device, e.getMessage());
            }
        }
        try {
            commands.run("ip", "link", "del", "dev", device);
        } catch (Commands.Failed gone) {
            LOG.debugf("link %s was gone already: %s", device, gone.getMessage());
        }
    }

    @Override
    public boolean owns(IpRoute2.Link link) {
        return running.containsKey(link.name());
    }

    @Override
    public void close() {
        running.keySet().forEach(this::delete);
    }
}
