package io.corvus.events;

import static org.assertj.core.api.Assertions.assertThat;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv6.IPv6Address;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The CIDR parser against an independent one (seancfoley's IPAddress library), over networks
 * written every way a user might and over strings made of an address's characters: whatever Corvus
 * accepts, the reference reads as the same network with no host bits; whatever the reference reads
 * as a network in Corvus's strict grammar, Corvus accepts. A refusal always says why.
 */
class CidrPropertiesTest {

    @Property(tries = 3000)
    void anAcceptedEntryIsTheNetworkTheReferenceReads(@ForAll("entries") String text) {
        Cidr parsed;
        try {
            parsed = Cidr.parse(text);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).as("a refusal names the entry").contains("'" + text + "'");
            return;
        }
        IPAddress reference = new IPAddressString(text).getAddress();
        assertThat(reference).as("the reference reads %s", text).isNotNull();
        assertThat(reference.isPrefixBlock()).as("%s has no host bits", text).isTrue();
        assertThat(reference instanceof IPv6Address v6 && v6.isIPv4Mapped() && reference.getNetworkPrefixLength() >= 96)
                .as("%s is no IPv4-mapped network", text).isFalse();
        assertThat(parsed.canonical()).isEqualTo(reference.toCanonicalString());
        assertThat(parsed.prefixLength()).isEqualTo(reference.getNetworkPrefixLength());
    }

    @Property(tries = 3000)
    void aNetworkInTheStrictGrammarIsAccepted(@ForAll("strictEntries") String text) {
        IPAddress reference = new IPAddressString(text).getAddress();
        boolean network = reference != null && reference.isPrefixed() && reference.isPrefixBlock()
                && !(reference instanceof IPv6Address v6 && v6.isIPv4Mapped() && reference.getNetworkPrefixLength() >= 96);
        boolean accepted;
        try {
            accepted = Cidr.parse(text) != null;
        } catch (IllegalArgumentException refused) {
            accepted = false;
        }
        assertThat(accepted).as("%s accepted (the reference: %s)", text, reference).isEqualTo(network);
    }

    /** Real addresses and prefixes, written the strict ways: canonical, upper case, in full, IPv4-mapped. */
    @Provide
    Arbitrary<String> strictEntries() {
        Arbitrary<String> ipv4 = Combinators.combine(Arbitraries.integers().between(0, 255).list().ofSize(4),
                Arbitraries.integers().between(0, 32), Arbitraries.of(true, false)).as((octets, prefix, zeroHost) -> {
            long value = 0;
            for (int octet : octets) {
                value = (value << 8) | octet;
            }
            if (zeroHost) {
                value &= prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
            }
            return ((value >> 24) & 255) + "." + ((value >> 16) & 255) + "." + ((value >> 8) & 255) + "." + (value & 255) + "/" + prefix;
        });
        Arbitrary<String> ipv6 = Combinators.combine(Arbitraries.integers().between(0, 0xffff).list().ofSize(8).map(groups -> {
            // sparse groups: runs of zeros, as real networks have, so "::" is exercised
            return groups.stream().map(g -> g % 3 == 0 ? 0 : g).toList();
        }), Arbitraries.integers().between(0, 128), Arbitraries.of("canonical", "upper", "full", "mapped")).as((groups, prefix, style) -> {
            String full = String.join(":", groups.stream().map(g -> String.format("%04x", g)).toList());
            String address = switch (style) {
                case "full" -> full;
                case "upper" -> new IPAddressString(full).getAddress().toCanonicalString().toUpperCase();
                case "mapped" -> "::ffff:" + (groups.get(6) >> 8) + "." + (groups.get(6) & 255) + "." + (groups.get(7) >> 8) + "."
                        + (groups.get(7) & 255);
                default -> new IPAddressString(full).getAddress().toCanonicalString();
            };
            return address + "/" + prefix;
        });
        return Arbitraries.oneOf(ipv4, ipv6);
    }

    /** The strict entries and adversarial strings made of an address's characters. */
    @Provide
    Arbitrary<String> entries() {
        Arbitrary<String> noise = Arbitraries.strings().withChars("0123456789abcdefABCDEF:./%x ").ofMinLength(1).ofMaxLength(45);
        return Arbitraries.oneOf(strictEntries(), noise, strictEntries().map(entry -> entry.replaceFirst("/", "/0")));
    }
}
