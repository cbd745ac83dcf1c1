package io.corvus.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class IpPrefixTest {

    @Test
    void aPrefixKeepsOnlyItsNetworkBits() {
        assertThat(IpPrefix.parse("10.1.2.3/16")).hasToString("10.1.0.0/16");
        assertThat(IpPrefix.parse("fd00:99::7/64")).hasToString("fd00:99:0:0:0:0:0:0/64");
        assertThat(IpPrefix.parse("::/0")).hasToString("0:0:0:0:0:0:0:0/0");
        assertThat(IpPrefix.parse("10.0.0.1")).hasToString("10.0.0.1/32");
    }

    @Test
    void aPrefixHoldsTheAddressesOfItsOwnFamilyUnderIt() {
        assertThat(IpPrefix.parse("10.1.0.0/16").contains(IpPrefix.parse("10.1.255.255"))).isTrue();
        assertThat(IpPrefix.parse("10.1.0.0/16").contains(IpPrefix.parse("10.2.0.0"))).isFalse();
        assertThat(IpPrefix.parse("0.0.0.0/0").contains(IpPrefix.parse("255.255.255.255"))).isTrue();
        assertThat(IpPrefix.parse("0.0.0.0/0").contains(IpPrefix.parse("::1"))).as("IPv6 is not under an IPv4 default route").isFalse();
        assertThat(IpPrefix.parse("::/0").contains(IpPrefix.parse("10.0.0.1"))).isFalse();
        assertThat(IpPrefix.parse("fd00:99::/96").contains(IpPrefix.parse("fd00:99::ffff:ffff"))).isTrue();
        assertThat(IpPrefix.parse("fd00:99::/96").contains(IpPrefix.parse("fd00:99::1:0:0"))).isFalse();
    }

    @Test
    void whatIsNotAPrefixIsRefusedSayingWhatIsExpected() {
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/33")).hasMessage("an IPv4 prefix length is 0 to 32, not 33");
        assertThatThrownBy(() -> IpPrefix.parse("fd00::/129")).hasMessage("an IPv6 prefix length is 0 to 128, not 129");
        assertThatThrownBy(() -> IpPrefix.parse("example.com/8")).hasMessageContaining("is not an IP prefix like 10.99.0.0/24 or fd00:99::/64");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/")).hasMessageContaining("no prefix length");
        assertThatThrownBy(() -> IpPrefix.parse("::ffff:10.0.0.0/104")).hasMessageContaining("write it as IPv4 (10.0.0.0)");
    }

    @Test
    void packetsNameTheirAddressesAndLengthInEitherFamily() {
        byte[] ipv4 = new byte[28];
        ipv4[0] = 0x45;
        ipv4[3] = 28;
        System.arraycopy(new byte[] {10, 0, 0, 1, 10, 0, 0, 2}, 0, ipv4, 12, 8);
        assertThat(IpPrefix.sourceOf(Packet.of(ipv4))).isEqualTo(IpPrefix.parse("10.0.0.1"));
        assertThat(IpPrefix.destinationOf(Packet.of(ipv4))).isEqualTo(IpPrefix.parse("10.0.0.2"));
        assertThat(IpPrefix.declaredLength(Packet.of(ipv4))).isEqualTo(28);

        byte[] ipv6 = new byte[48];
        ipv6[0] = 0x60;
        ipv6[5] = 8; // payload length
        ipv6[8] = (byte) 0xfd;
        ipv6[23] = 1;
        ipv6[24] = (byte) 0xfd;
        ipv6[39] = 2;
        assertThat(IpPrefix.sourceOf(Packet.of(ipv6))).isEqualTo(IpPrefix.parse("fd00::1"));
        assertThat(IpPrefix.destinationOf(Packet.of(ipv6))).isEqualTo(IpPrefix.parse("fd00::2"));
        assertThat(IpPrefix.declaredLength(Packet.of(ipv6))).isEqualTo(48);

        assertThat(IpPrefix.declaredLength(new Packet(ipv6, 0, 39))).as("a header cut short").isEqualTo(-1);
        assertThat(IpPrefix.declaredLength(Packet.of(new byte[] {0x50, 0, 0, 0}))).as("version 5").isEqualTo(-1);
        assertThat(IpPrefix.declaredLength(Packet.of(new byte[0]))).isEqualTo(-1);
    }

    @Property(tries = 500)
    void anyIpv6PrefixReadsBackFromItsTextAndMatchesTheJdksView(@ForAll @Size(16) byte[] address,
            @ForAll @IntRange(min = 0, max = 128) int length) throws UnknownHostException {
        if (InetAddress.getByAddress(address) instanceof Inet4Address) {
            return; // an IPv4-mapped address: refused, as a test above shows
        }
        IpPrefix prefix = IpPrefix.parse(InetAddress.getByAddress(address).getHostAddress() + "/" + length);
        assertThat(IpPrefix.parse(prefix.toString())).isEqualTo(prefix);
        String network = prefix.toString().substring(0, prefix.toString().indexOf('/'));
        assertThat(InetAddress.getByName(network)).as("the text names the network the JDK reads")
                .isEqualTo(InetAddress.getByAddress(network(address, length)));
    }

    @Property(tries = 500)
    void anAddressIsUnderAPrefixExactlyWhenTheirNetworkBitsAgree(@ForAll @Size(16) byte[] network, @ForAll @Size(16) byte[] address,
            @ForAll @IntRange(min = 0, max = 128) int length, @ForAll boolean sameNetwork) throws UnknownHostException {
        network[0] = address[0] = (byte) 0xfd; // never IPv4-mapped
        byte[] candidate = sameNetwork ? withNetworkOf(network, address, length) : address;
        IpPrefix prefix = IpPrefix.parse(InetAddress.getByAddress(network).getHostAddress() + "/" + length);
        boolean expected = Arrays.equals(network(network, length), network(candidate, length));
        assertThat(prefix.contains(IpPrefix.parse(InetAddress.getByAddress(candidate).getHostAddress()))).isEqualTo(expected);
    }

    private static byte[] network(byte[] address, int length) {
        BigInteger value = new BigInteger(1, address);
        BigInteger mask = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE).shiftRight(length).not();
        byte[] bytes = value.and(mask).add(BigInteger.ONE.shiftLeft(128)).toByteArray(); // a leading 1 keeps all 16 bytes
        return Arrays.copyOfRange(bytes, bytes.length - 16, bytes.length);
    }

    private static byte[] withNetworkOf(byte[] network, byte[] host, int length) {
        byte[] mixed = new byte[16];
        for (int bit = 0; bit < 128; bit++) {
            byte[] from = bit < length ? network : host;
            if ((from[bit / 8] & (0x80 >> (bit % 8))) != 0) {
                mixed[bit / 8] |= (byte) (0x80 >> (bit % 8));
            }
        }
        return mixed;
    }
}
