package io.corvus.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.function.Supplier;

import javax.crypto.AEADBadTagException;

import org.junit.jupiter.api.Test;

class TransportCiphersTest {

    private static final TransportCipher FAST = new TransportCipher() {
        @Override
        public String name() {
            return "fast";
        }

        @Override
        public String description() {
            return "a cipher of this test";
        }

        @Override
        public SessionKey key(byte[] raw) {
            return TransportCiphers.jdk().key(raw);
        }
    };
    private static final Supplier<TransportCipher> NO_LIBRARY = () -> {
        throw new ServiceConfigurationError("io.corvus.wireguard.TransportCipher: Provider x could not be instantiated",
                new IllegalStateException("libcrypto.so.3: cannot open shared object file"));
    };

    @Test
    void autoTakesTheFirstCipherThatLoads() {
        TransportCiphers.Choice choice = TransportCiphers.choose("auto", List.of(NO_LIBRARY, () -> FAST));

        assertThat(choice.cipher()).isSameAs(FAST);
        assertThat(choice.reason()).isEqualTo("the fastest found");
    }

    @Test
    void autoFallsBackToTheJdkAndSaysWhyTheOthersDidNotLoad() {
        TransportCiphers.Choice choice = TransportCiphers.choose("auto", List.of(NO_LIBRARY));

        assertThat(choice.cipher()).isSameAs(TransportCiphers.jdk());
        assertThat(choice.reason()).isEqualTo("no other loads: libcrypto.so.3: cannot open shared object file");
    }

    @Test
    void theJdkIsTakenWhenNamedThoughAFasterOneLoads() {
        assertThat(TransportCiphers.choose(" JDK ", List.of(() -> FAST)).cipher()).isSameAs(TransportCiphers.jdk());
    }

    @Test
    void aNamedCipherIsTakenPastOthers() {
        assertThat(TransportCiphers.choose("fast", List.of(NO_LIBRARY, () -> FAST)).cipher()).isSameAs(FAST);
    }

    @Test
    void aNamedCipherThatCannotLoadIsAnErrorThatSaysWhyAndWhatToSay() {
        assertThatThrownBy(() -> TransportCiphers.choose("openssl", List.of(NO_LIBRARY)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("corvus.wireguard.transport-cipher=openssl: no such transport cipher loads here "
                        + "(libcrypto.so.3: cannot open shared object file); say auto, jdk, or the name of one that loads");
    }

    @Test
    void aNameNoCipherHasIsAnError() {
        assertThatThrownBy(() -> TransportCiphers.choose("aes", List.of(() -> FAST)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("corvus.wireguard.transport-cipher=aes: no such transport cipher loads here;");
    }

    @Test
    void theJdksCipherOpensWhatItSealedAndRefusesAChangedByte() throws Exception {
        TransportCipher.SessionKey key = TransportCiphers.jdk().key(new byte[32]);
        byte[] message = new byte[16 + 5 + 16];
        System.arraycopy("hello".getBytes(), 0, message, 16, 5);
        key.seal(9, message, 16, 5);
        byte[] forged = message.clone();
        forged[20] ^= 1;

        assertThat(key.open(9, message, 16, 21)).isEqualTo(5);
        assertThat(new String(message, 16, 5)).isEqualTo("hello");
        assertThatThrownBy(() -> key.open(9, forged, 16, 21)).isInstanceOf(AEADBadTagException.class);
    }
}
