package io.corvus.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class UapiTest {

    @Test
    void getAnswersInTheFormWgReads() {
        Identity device = Identity.generate();
        byte[] peer = Identity.generate().publicKey();
        Uapi.PeerStatus status = new Uapi.PeerStatus(peer, null, new InetSocketAddress("192.0.2.1", 51820),
                Instant.ofEpochSecond(1_800_000_000L, 5), 10, 20, Duration.ofSeconds(25),
                List.of(IpPrefix.parse("10.98.0.0/24"), IpPrefix.parse("10.99.0.1")));

        assertThat(Uapi.get(new Uapi.DeviceStatus(Optional.of(device), 51821, List.of(status)))).isEqualTo("""
                private_key=%s
                listen_port=51821
                public_key=%s
                protocol_version=1
                endpoint=192.0.2.1:51820
                last_handshake_time_sec=1800000000
                last_handshake_time_nsec=5
                tx_bytes=10
                rx_bytes=20
                persistent_keepalive_interval=25
                allowed_ip=10.98.0.0/24
                allowed_ip=10.99.0.1/32
                errno=0

                """.formatted(HexFormat.of().formatHex(device.privateKey()), HexFormat.of().formatHex(peer)));
    }

    @Test
    void ipv6EndpointsAndAllowedIpsAreTakenAndShownAsWgWritesThem() {
        Uapi.Change change = Uapi.set(DeviceConfig.UNCONFIGURED, List.of("public_key=" + HEX.formatHex(NEAR.publicKey()),
                "endpoint=[fd00::7]:4500", "allowed_ip=fd00:1::/64", "allowed_ip=10.1.0.0/16"));
        DeviceConfig.Peer peer = change.config().peers().getFirst();
        assertThat(peer.endpoint()).contains(new InetSocketAddress("fd00::7", 4500));
        assertThat(change.config().routeTo(IpPrefix.parse("fd00:1::5"))).isPresent();

        Uapi.PeerStatus status = new Uapi.PeerStatus(peer.publicKey(), null, peer.endpoint().orElseThrow(), null, 0, 0, Duration.ZERO,
                peer.allowedIps());
        assertThat(Uapi.get(new Uapi.DeviceStatus(Optional.empty(), 4500, List.of(status))))
                .contains("endpoint=[fd00:0:0:0:0:0:0:7]:4500\n").contains("allowed_ip=fd00:1:0:0:0:0:0:0/64\nallowed_ip=10.1.0.0/16\n");
    }

    @Test
    void aRequestItDoesNotTakeIsAnsweredWithItsErrno() {
        assertThat(Uapi.refused(95)).isEqualTo("errno=-95\n\n");
    }

    private static final HexFormat HEX = HexFormat.of();
    private static final Identity NODE = Identity.generate();
    private static final Identity NEAR = Identity.generate();
    private static final Identity FAR = Identity.generate();

    /** What {@code wg syncconf} sends for a file with one peer (read off its socket with strace). */
    private static List<String> syncOnePeer(Identity peer, String... allowedIps) {
        List<String> settings = new ArrayList<>(List.of("private_key=" + HEX.formatHex(NODE.privateKey()), "listen_port=4500",
                "fwmark=0", "replace_peers=true", "public_key=" + HEX.formatHex(peer.publicKey()), "preshared_key=" + "ab".repeat(32),
                "endpoint=192.0.2.7:4500", "persistent_keepalive_interval=5", "replace_allowed_ips=true"));
        for (String allowed : allowedIps) {
            settings.add("allowed_ip=" + allowed);
        }
        return settings;
    }

    @Test
    void setTurnsAnUnconfiguredDeviceIntoTheOneWgSyncconfDescribes() {
        Uapi.Change change = Uapi.set(DeviceConfig.UNCONFIGURED, syncOnePeer(NEAR, "10.1.0.0/16", "10.2.0.1/32"));

        DeviceConfig config = change.config();
        assertThat(config.identity().orElseThrow().publicKey()).isEqualTo(NODE.publicKey());
        assertThat(config.listenPort()).isEqualTo(4500);
        assertThat(config.peers()).singleElement().satisfies(peer -> {
            assertThat(peer.publicKey()).isEqualTo(NEAR.publicKey());
            assertThat(peer.presharedKey()).isEqualTo(HEX.parseHex("ab".repeat(32)));
            assertThat(peer.allowedIps()).containsExactly(IpPrefix.parse("10.1.0.0/16"), IpPrefix.parse("10.2.0.1"));
            assertThat(peer.endpoint()).contains(new InetSocketAddress("192.0.2.7", 4500));
            assertThat(peer.persistentKeepalive()).isEqualTo(Duration.ofSeconds(5));
        });
        assertThat(change.endpointGiven(NEAR.publicKey())).isTrue();
        assertThat(change.endpointGiven(FAR.publicKey())).isFalse();
    }

    @Test
    void laterRequestsChangeRemoveAndAddPeersAndMoveAnAllowedIpToItsNewPeer() {
        DeviceConfig config = Uapi.set(DeviceConfig.UNCONFIGURED, syncOnePeer(NEAR, "10.1.0.0/16", "10.2.0.1/32")).config();

        Uapi.Change change = Uapi.set(config, List.of(
                "public_key=" + HEX.formatHex(FAR.publicKey()), "allowed_ip=10.2.0.1/32",
                "public_key=" + HEX.formatHex(Identity.generate().publicKey()), "update_only=true", "allowed_ip=10.3.0.0/16",
                "public_key=" + HEX.formatHex(NEAR.publicKey()), "persistent_keepalive_interval=0"));

        assertThat(change.config().peers()).extracting(peer -> HEX.formatHex(peer.publicKey()))
                .containsExactly(HEX.formatHex(NEAR.publicKey()), HEX.formatHex(FAR.publicKey()));
        DeviceConfig.Peer near = change.config().peers().get(0);
        assertThat(near.allowedIps()).as("10.2.0.1 moved to FAR").containsExactly(IpPrefix.parse("10.1.0.0/16"));
        assertThat(near.persistentKeepalive()).isZero();
        assertThat(near.endpoint()).as("kept").contains(new InetSocketAddress("192.0.2.7", 4500));
        assertThat(change.endpointGiven(NEAR.publicKey())).isFalse();
        assertThat(change.config().routeTo(IpPrefix.parse("10.2.0.1")).orElseThrow().publicKey()).isEqualTo(FAR.publicKey());

        DeviceConfig removed = Uapi.set(change.config(), List.of("public_key=" + HEX.formatHex(NEAR.publicKey()), "remove=true")).config();
        assertThat(removed.peers()).extracting(DeviceConfig.Peer::publicKey).containsExactly(FAR.publicKey());
        assertThat(Uapi.set(removed, List.of("private_key=" + "00".repeat(32))).config().identity()).as("a zero key removes it").isEmpty();
    }

    @Test
    void aWrongSettingRefusesTheWholeRequestNamingTheSettingButNeverAKey() {
        String privateKey = HEX.formatHex(NODE.privateKey());
        assertThatThrownBy(() -> Uapi.set(DeviceConfig.UNCONFIGURED, List.of("private_key=" + privateKey.substring(1))))
                .hasMessageContaining("setting 1 (private_key)").hasMessageContaining("64 hex digits")
                .hasMessageNotContaining(privateKey.substring(1));
        assertThatThrownBy(() -> Uapi.set(DeviceConfig.UNCONFIGURED, List.of("listen_port=4500", "fwmark=7")))
                .hasMessageContaining("setting 2 (fwmark)").hasMessageContaining("must be 0");
        assertThatThrownBy(() -> Uapi.set(DeviceConfig.UNCONFIGURED, List.of("public_key=" + HEX.formatHex(NEAR.publicKey()),
                "allowed_ip=fd00::/129"))).hasMessageContaining("setting 2 (allowed_ip)").hasMessageContaining("0 to 128, not 129");
        assertThatThrownBy(() -> Uapi.set(DeviceConfig.UNCONFIGURED, List.of("public_key=" + HEX.formatHex(NEAR.publicKey()),
                "endpoint=fd00::1:4500"))).hasMessageContaining("setting 2 (endpoint)").hasMessageContaining("IPv6 address in brackets");
        assertThatThrownBy(() -> Uapi.set(DeviceConfig.UNCONFIGURED, List.of("allowed_ip=10.0.0.0/8")))
                .hasMessageContaining("not a device setting");
        assertThatThrownBy(() -> Uapi.set(DeviceConfig.UNCONFIGURED, List.of("listen_port")))
                .hasMessageContaining("expected key=value");
        assertThatThrownBy(() -> Uapi.set(DeviceConfig.UNCONFIGURED, syncOnePeer(NODE, "10.1.0.0/16")))
                .hasMessageContaining("this device's own public key");
    }
}
