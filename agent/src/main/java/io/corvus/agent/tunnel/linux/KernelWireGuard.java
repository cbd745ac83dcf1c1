package io.corvus.agent.tunnel.linux;

/** WireGuard in the kernel: the link is an {@code ip link} of type wireguard. */
final class KernelWireGuard implements WireGuardDriver {

    private final Commands commands;

    KernelWireGuard(Commands commands) {
        this.commands = commands;
    }

    @Override
    public String name() {
        return "kernel";
    }

    @Override
    public void create(String device) {
        commands.run("ip", "link", "add", "dev", device, "type", "wireguard");
    }

    /** A kernel link is the kernel's, whoever made it. */
    @Override
    public boolean owns(IpRoute2.Link link) {
        return "wireguard".equals(link.kind());
    }

    @Override
    public void delete(String device) {
        commands.run("ip", "link", "del", "dev", device);
    }

    @Override
    public void close() {
        // the kernel runs the link; nothing of ours to stop
    }

    /** Whether this node's kernel has WireGuard: a probe link is made and removed again. */
    static boolean available(Commands commands) {
        String probe = "corvus-wgprobe";
        try {
            commands.run("ip", "link", "add", "dev", probe, "type", "wireguard");
            commands.run("ip", "link", "del", "dev", probe);
            return true;
        } catch (Commands.Failed unknownType) {
            return false;
        }
    }
}
