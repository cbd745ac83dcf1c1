package io.corvus.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class DeviceConfigTest {

    private static final Identity NODE = Identity.generate();
    private static final Identity NEAR = Identity.generate();
    private static final Identity WIDE = Identity.generate();

    @Test
    void readsTheWgSetconfFormatAndRoutesByTheLongestPrefix() {
        DeviceConfig config = DeviceConfig.parse("""
                [Interface]
                PrivateKey = %s
                ListenPort = 51820

                [Peer]   # the pool's wide route
                PublicKey = %s
                AllowedIPs = 10.0.0.0/8
                Endpoint = 192.0.2.1:51820

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                AllowedIPs = 10.1.0.0/16, 10.2.3.4, fd00:1::/64
                Endpoint = [fd00::7]:4500
                PersistentKeepalive = 25
                """.formatted(NODE.privateKeyBase64(), WIDE.publicKeyBase64(), NEAR.publicKeyBase64(), NEAR.publicKeyBase64()));

        assertThat(config.identity().orElseThrow().publicKey()).isEqualTo(NODE.publicKey());
        assertThat(config.listenPort()).isEqualTo(51820);
        assertThat(config.routeTo(IpPrefix.parse("10.1.2.3")).orElseThrow().publicKey()).isEqualTo(NEAR.publicKey());
        assertThat(config.routeTo(IpPrefix.parse("10.2.3.4")).orElseThrow().publicKey()).isEqualTo(NEAR.publicKey());
        assertThat(config.routeTo(IpPrefix.parse("10.2.3.5")).orElseThrow().publicKey()).isEqualTo(WIDE.publicKey());
        assertThat(config.routeTo(IpPrefix.parse("192.168.0.1"))).isEmpty();
        assertThat(config.routeTo(IpPrefix.parse("fd00:1::9")).orElseThrow().publicKey()).isEqualTo(NEAR.publicKey());
        assertThat(config.routeTo(IpPrefix.parse("fd00:2::9"))).as("IPv6 is not under 10.0.0.0/8").isEmpty();
        assertThat(config.peers().get(0).endpoint()).hasValueSatisfying(endpoint -> assertThat(endpoint.getPort()).isEqualTo(51820));
        assertThat(config.peers().get(1).endpoint()).hasValue(new InetSocketAddress("fd00::7", 4500));
        assertThat(config.peers().get(0).persistentKeepalive()).isZero();
        assertThat(config.peers().get(1).persistentKeepalive()).hasSeconds(25);
    }

    @Test
    void aSettingThisDeviceDoesNotHonourIsRefusedWithItsLine() {
        assertThatThrownBy(() -> DeviceConfig.parse("[Interface]\nPrivateKey = " + NODE.privateKeyBase64() + "\nFwMark = 51820\n"))
                .hasMessageStartingWith("line 3: FwMark is not a setting of [Interface] here");
    }

    @Test
    void badValuesAreRefusedWithTheirLineAndWhatIsExpected() {
        assertThatThrownBy(() -> DeviceConfig.parse("[Interface]\nPrivateKey = short\n")).hasMessageContaining("line 2: a WireGuard private key is 32 bytes");
        assertThatThrownBy(() -> DeviceConfig.parse("[Interface]\nPrivateKey = " + NODE.privateKeyBase64() + "\n[Peer]\nPublicKey = "
                + NEAR.publicKeyBase64() + "\nAllowedIPs = 10.0.0.0/33\n")).hasMessageContaining("line 5: an IPv4 prefix length is 0 to 32, not 33");
        assertThatThrownBy(() -> DeviceConfig.parse("[Interface]\nPrivateKey = " + NODE.privateKeyBase64() + "\n[Peer]\nPublicKey = "
                + NEAR.publicKeyBase64() + "\nEndpoint = example.com:51820\n")).hasMessageContaining("line 5: an endpoint is an IPv4 address and a port (10.0.0.1:51820) or an IPv6 address in brackets");
        assertThatThrownBy(() -> DeviceConfig.parse("[Interface]\nPrivateKey = " + NODE.privateKeyBase64() + "\n[Peer]\nPublicKey = "
                + NEAR.publicKeyBase64() + "\nEndpoint = fd00::7:4500\n")).as("IPv6 without brackets").hasMessageContaining("line 5: an endpoint is");
        assertThatThrownBy(() -> DeviceConfig.parse("[Peer]\nAllowedIPs = 10.0.0.0/8\n")).hasMessageContaining("without PublicKey");
        assertThatThrownBy(() -> DeviceConfig.parse("ListenPort = 1\n")).hasMessageContaining("line 1: expected [Interface], [Peer]");
    }

}
