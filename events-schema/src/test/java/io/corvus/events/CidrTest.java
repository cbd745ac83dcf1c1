package io.corvus.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "203.0.113.0/24, 203.0.113.0/24",
            "198.51.100.7/32, 198.51.100.7/32",
            "0.0.0.0/0, 0.0.0.0/0",
            "100.64.0.0/10, 100.64.0.0/10",
            "2001:DB8::/32, 2001:db8::/32",
            "2001:0db8:0000:0000:0000:0000:0000:0000/32, 2001:db8::/32",
            "::1/128, ::1/128",
            "::/0, ::/0",
            "fe80:0:0:0:0:0:0:0/10, fe80::/10",
            "2001:db8:0:0:1:0:0:0/80, 2001:db8:0:0:1::/80",
            "2001:0:0:1:0:0:0:0/64, 2001:0:0:1::/64",
    })
    void aValidNetworkParsesToItsCanonicalForm(String text, String canonical) {
        assertThat(Cidr.parse(text).canonical()).isEqualTo(canonical);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "10.0.0.1/33      | prefix length '33'; it must be 0 to 32",
            "10.0.0.1/24      | has host bits set; the network is 10.0.0.0/24",
            "::1/129          | prefix length '129'; it must be 0 to 128",
            "2001:db8::1/32   | has host bits set; the network is 2001:db8::/32",
            "1.2.3/24         | is not an IPv4 address with four octets",
            "1.2.3.4          | has no prefix length; for a single address write 1.2.3.4/32",
            "2001:db8::1      | for a single address write 2001:db8::1/128",
            "256.0.0.0/8      | has octet '256'",
            "010.0.0.0/8      | has octet '010'",
            "10.0.0.0/08      | has prefix length '08'",
            "10.0.0.0/-1      | has prefix length '-1'",
            "fe80::1%eth0/64  | not an IPv6 address",
            "2001:db8:::/48   | not a valid IPv6 address",
            "example.com/24   | not an IPv4 address",
            "::ffff:10.0.0.0/104 | is an IPv4-mapped IPv6 address; write it as IPv4: 10.0.0.0/8",
            "::FFFF:a00:0/104 | write it as IPv4: 10.0.0.0/8",
            "::ffff:0:0/80    | has host bits set; the network is ::/80",
    })
    void anInvalidNetworkIsRejectedWithAFix(String text, String message) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
            "100.64.0.0/10, 100.64.0.0/10, true",
            "100.0.0.0/8, 100.64.0.0/10, true",
            "100.64.0.0/10, 100.0.0.0/8, false",
            "0.0.0.0/0, 203.0.113.0/24, true",
            "::/0, 203.0.113.0/24, false",
    })
    void containmentFollowsThePrefix(String outer, String inner, boolean contains) {
        assertThat(Cidr.parse(outer).contains(Cidr.parse(inner))).isEqualTo(contains);
    }

    @ParameterizedTest(name = "{0} in {1}: {2}")
    @CsvSource({
            "203.0.113.7, 203.0.113.0/24, true",
            "203.0.114.7, 203.0.113.0/24, false",
            "::ffff:203.0.113.7, 203.0.113.0/24, true",
            "2001:db8::1, 2001:db8::/32, true",
            "2001:db9::1, 2001:db8::/32, false",
            "203.0.113.7, 2001:db8::/32, false",
            "100.100.1.2, 100.64.0.0/10, true"})
    void anAddressAsASocketReportsItIsMatchedAgainstTheNetwork(String address, String network, boolean inside) throws Exception {
        assertThat(Cidr.parse(network).containsAddress(InetAddress.getByName(address))).isEqualTo(inside);
    }
}
