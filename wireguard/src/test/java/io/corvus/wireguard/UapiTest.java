package io.corvus.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

class UapiTest {

    @Test
    void getAnswersInTheFormWgReads() {
        Identity device = Identity.generate();
        byte[] peer = Identity.generate().publicKey();
        Uapi.PeerStatus status = new Uapi.PeerStatus(peer, null, new InetSocketAddress("192.0.2.1", 51820),
                Instant.ofEpochSecond(1_800_000_000L, 5), 10, 20, Duration.ofSeconds(25),
                List.of(Ipv4Prefix.parse("10.98.0.0/24"), Ipv4Prefix.parse("10.99.0.1")));

        assertThat(Uapi.get(new Uapi.DeviceStatus(device, 51821, List.of(status)))).isEqualTo("""
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
    void aRequestItDoesNotTakeIsAnsweredWithItsErrno() {
        assertThat(Uapi.refused(95)).isEqualTo("errno=95\n\n");
    }
}
