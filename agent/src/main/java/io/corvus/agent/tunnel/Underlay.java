package io.corvus.agent.tunnel;

/**
 * The node's own network, as the adapter found it: the device and address the node's private
 * address lives on, and that device's MTU.
 */
public record Underlay(String device, String address, int mtu) {

    /** IPv4 header, UDP header, WireGuard's 16-byte data header and 16-byte tag. */
    static final int WIREGUARD_OVERHEAD_IPV4 = 20 + 8 + 32;
    /** The same over IPv6, whose header is 40 bytes. */
    static final int WIREGUARD_OVERHEAD_IPV6 = 40 + 8 + 32;
    /** Outer IPv4, UDP, VXLAN header and the inner Ethernet header. */
    static final int VXLAN_OVERHEAD_IPV4 = 20 + 8 + 8 + 14;
    static final int VXLAN_OVERHEAD_IPV6 = 40 + 8 + 8 + 14;

    public Underlay {
        if (mtu < 1280) {
            throw new IllegalArgumentException("the underlay device " + device + " has an MTU of " + mtu
                    + "; tunnel mode needs at least 1280");
        }
    }

    public boolean ipv6() {
        return address.contains(":");
    }

    /**
     * The MTU of the tunnel's links: a packet crosses VXLAN (node to gateway) and WireGuard (gateway
     * to gateway) one after the other, never both at once, so the larger overhead decides:
     * 1500 - 60 = 1440 over IPv4, 1500 - 80 = 1420 over IPv6.
     */
    public int tunnelMtu() {
        int overhead = ipv6() ? Math.max(WIREGUARD_OVERHEAD_IPV6, VXLAN_OVERHEAD_IPV6) : Math.max(WIREGUARD_OVERHEAD_IPV4,
                VXLAN_OVERHEAD_IPV4);
        return mtu - overhead;
    }
}
