package io.corvus.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** The primitives against their published test vectors: the libraries, wired as WireGuard needs them. */
class PrimitivesTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void blake2sHashesAsRfc7693Says() {
        assertThat(HEX.formatHex(Primitives.hash("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
    }

    @Test
    void x25519AgreesAsRfc7748Says() throws InvalidKeyException {
        byte[] alice = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bob = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        byte[] alicePublic = HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        byte[] bobPublic = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");

        assertThat(Identity.fromPrivateKey(java.util.Base64.getEncoder().encodeToString(alice)).publicKey()).isEqualTo(alicePublic);
        assertThat(HEX.formatHex(Primitives.dh(alice, bobPublic)))
                .isEqualTo("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
                .isEqualTo(HEX.formatHex(Primitives.dh(bob, alicePublic)));
    }

    @Test
    void aPublicKeyOfSmallOrderIsRefused() {
        assertThatThrownBy(() -> Primitives.dh(Identity.generate().privateKey(), new byte[32])).isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void sealedDataOpensOnlyWithItsKeyCounterAndAssociatedData() throws Exception {
        byte[] key = Primitives.hash("key".getBytes(StandardCharsets.US_ASCII));
        byte[] sealed = Primitives.seal(key, 7, "packet".getBytes(StandardCharsets.US_ASCII), new byte[] {1});

        assertThat(Primitives.open(Primitives.aeadKey(key), 7, sealed, 0, sealed.length, new byte[] {1})).asString(StandardCharsets.US_ASCII).isEqualTo("packet");
        assertThatThrownBy(() -> Primitives.open(Primitives.aeadKey(key), 8, sealed, 0, sealed.length, new byte[] {1}))
                .isInstanceOf(javax.crypto.AEADBadTagException.class);
        assertThatThrownBy(() -> Primitives.open(Primitives.aeadKey(key), 7, sealed, 0, sealed.length, new byte[] {2}))
                .isInstanceOf(javax.crypto.AEADBadTagException.class);
    }
}
