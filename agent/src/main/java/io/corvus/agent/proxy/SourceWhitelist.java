package io.corvus.agent.proxy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import io.corvus.events.Cidr;

/** The sources the link server accepts: the cluster's ACL whitelist; an empty one accepts all. */
public final class SourceWhitelist {

    public static final SourceWhitelist EVERYONE = new SourceWhitelist(List.of());

    private final List<Cidr> networks;

    private SourceWhitelist(List<Cidr> networks) {
        this.networks = List.copyOf(networks);
    }

    /** Entries that do not parse are left out (config-service validated them; this is a second line). */
    public static SourceWhitelist of(List<String> entries) {
        List<Cidr> networks = new ArrayList<>();
        for (String entry : entries) {
            try {
                networks.add(Cidr.parse(entry));
            } catch (IllegalArgumentException ignored) {
                // not a network: it whitelists nothing
            }
        }
        return entries.isEmpty() ? EVERYONE : new SourceWhitelist(networks);
    }

    public boolean allows(InetAddress source) {
        return networks.isEmpty() && this == EVERYONE || networks.stream().anyMatch(n -> n.containsAddress(source));
    }

    @Override
    public String toString() {
        return this == EVERYONE ? "every source" : networks.toString();
    }
}
