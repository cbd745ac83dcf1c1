package io.corvus.agent.tunnel.linux;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * WireGuard in user space: Debian's {@code wireguard-go}, started and supervised by the agent. It
 * runs in the foreground as the agent's child under {@code setpriv --pdeathsig KILL}, so it dies
 * with the agent even when the agent is killed outright, and its TUN link goes with it. Its log
 * goes to the agent's state folder. Its control socket is {@code /var/run/wireguard/<link>.sock},
 * one folder for the whole machine: link names must differ between the agents of one machine.
 */
final class UserspaceWireGuard implements WireGuardDriver {

    private static final Logger LOG = Logger.getLogger(UserspaceWireGuard.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Path SOCKETS = Path.of("/var/run/wireguard");

    private final Commands commands;
    private final Path logFolder;
    private final Map<String, Process> running = new ConcurrentHashMap<>();

    UserspaceWireGuard(Commands commands, Path logFolder) {
        this.commands = commands;
        this.logFolder = logFolder;
    }

    @Override
    public String name() {
        return "wireguard-go";
    }

    @Override
    public void create(String device) {
        clearStaleSocket(device);
        Process process;
        long started = System.nanoTime();
        try {
            Files.createDirectories(logFolder);
            ProcessBuilder builder = new ProcessBuilder("setpriv", "--pdeathsig", "KILL", "--", "wireguard-go", "-f", device)
                    .redirectErrorStream(true).redirectOutput(logFolder.resolve(device + ".log").toFile());
            builder.environment().put("LOG_LEVEL", "error");
            process = builder.start();
        } catch (IOException e) {
            throw new Commands.Failed(List.of("wireguard-go", device), -1, "cannot start wireguard-go: " + e.getMessage()
                    + " (install Debian's wireguard-go, or run where the kernel has WireGuard)");
        }
        running.put(device, process);
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!Files.exists(SOCKETS.resolve(device + ".sock"))) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroyForcibly();
                running.remove(device);
                throw new Commands.Failed(List.of("wireguard-go", device), process.isAlive() ? -1 : process.exitValue(),
                        "wireguard-go did not open its control socket; its log: " + logFolder.resolve(device + ".log"));
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Commands.Failed(List.of("wireguard-go", device), -1, "interrupted");
            }
        }
        LOG.infof("wireguard-go runs link %s (pid %d, ready after %d ms)", device, process.pid(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * A wireguard-go that was killed leaves its socket behind; one that runs answers on it. The
     * first is removed, the second is another agent's link of the same name on this machine.
     */
    private static void clearStaleSocket(String device) {
        Path socket = SOCKETS.resolve(device + ".sock");
        if (!Files.exists(socket)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException stale) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                throw new Commands.Failed(List.of("wireguard-go", device), -1, "cannot remove the stale socket " + socket
                        + ": " + e.getMessage());
            }
            return;
        }
        throw new Commands.Failed(List.of("wireguard-go", device), -1, "another wireguard-go runs a link named " + device
                + " on this machine; its control socket " + socket + " answers. Give each agent of one machine its own "
                + "corvus.agent.tunnel.wireguard-interface");
    }

    @Override
    public void delete(String device) {
        try {
            commands.run("ip", "link", "del", "dev", device);
        } catch (Commands.Failed gone) {
            LOG.debugf("link %s was gone already: %s", device, gone.getMessage());
        }
        Process process = running.remove(device);
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** Ours only while our wireguard-go runs it (it may have crashed: the link is then gone too). */
    @Override
    public boolean owns(IpRoute2.Link link) {
        Process process = running.get(link.name());
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        running.keySet().forEach(this::delete);
    }
}
