package io.corvus.wireguard;

import static io.corvus.wireguard.Rejections.reasonOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class CookiesTest {

    private static final Instant T0 = Instant.parse("2026-12-05T06:00:00Z");
    private static final byte[] SOURCE = Cookies.source(new InetSocketAddress("192.0.2.7", 51820));

    private final Identity initiatorKey = Identity.generate();
    private final Identity responderKey = Identity.generate();
    private final Cookies.Responder responder = new Cookies.Responder(responderKey);
    private final Cookies.Jar jar = new Cookies.Jar(responderKey.publicKey());

    @Test
    void anInitiatorThatTookTheCookieOfItsAddressProvesItWithMac2() throws Rejected {
        byte[] first = initiation();
        assertThat(responder.mac2Valid(first, SOURCE, T0)).as("zeros: no cookie yet").isFalse();
        jar.take(responder.reply(first, SOURCE, T0), Handshake.mac1Of(first), T0);

        byte[] second = withMac2(initiation(), T0.plusSeconds(5));

        assertThat(responder.mac2Valid(second, SOURCE, T0.plusSeconds(5))).isTrue();
        assertThat(responder.mac2Valid(second, Cookies.source(new InetSocketAddress("192.0.2.7", 51821)), T0.plusSeconds(5)))
                .as("from another port").isFalse();
        assertThat(Handshake.receive(responderKey, second).peerPublicKey()).as("mac2 leaves the handshake itself alone")
                .isEqualTo(initiatorKey.publicKey());
    }

    @Test
    void aCookieReplyIsBoundToTheMessageItAnswersAndToTheResponder() throws Rejected {
        byte[] answered = initiation();
        byte[] reply = responder.reply(answered, SOURCE, T0);

        assertThat(reasonOf(() -> jar.take(reply, Handshake.mac1Of(initiation()), T0))).isEqualTo(Rejected.Reason.FORGED);
        assertThat(reasonOf(() -> new Cookies.Jar(Identity.generate().publicKey()).take(reply, Handshake.mac1Of(answered), T0)))
                .isEqualTo(Rejected.Reason.FORGED);
        assertThat(reasonOf(() -> jar.take(new byte[10], Handshake.mac1Of(answered), T0))).isEqualTo(Rejected.Reason.MALFORMED);
    }

    @Test
    void cookiesAndTheirSecretLastTwoMinutes() throws Rejected {
        byte[] first = initiation();
        jar.take(responder.reply(first, SOURCE, T0), Handshake.mac1Of(first), T0);
        Instant later = T0.plus(Duration.ofSeconds(121));

        assertThat(Arrays.copyOfRange(withMac2(initiation(), later), Handshake.INITIATION_LENGTH - 16, Handshake.INITIATION_LENGTH))
                .as("too old to use: zeros").containsOnly(0);
        byte[] stale = withMac2(initiation(), T0.plusSeconds(119));
        assertThat(responder.mac2Valid(stale, SOURCE, later)).as("the secret changed").isFalse();
    }

    private byte[] initiation() throws Rejected {
        return Handshake.initiate(initiatorKey, responderKey.publicKey(), null, 1, Timestamps.tai64n(Instant.now())).message();
    }

    private byte[] withMac2(byte[] message, Instant now) {
        jar.putMac2(message, now);
        return message;
    }
}
