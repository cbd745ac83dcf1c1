package io.corvus.wireguard.openssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.crypto.AEADBadTagException;

import io.corvus.wireguard.TransportCipher;
import io.corvus.wireguard.TransportCiphers;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** OpenSSL's cipher must be the JDK's, byte for byte: the machines that run these tests have libcrypto 3. */
class OpenSslTransportCipherTest {

    private static final OpenSslTransportCipher OPENSSL = new OpenSslTransportCipher();
    private static final TransportCipher JDK = TransportCiphers.jdk();

    /** The JDK opening it proves it sealed what the JDK seals: for one key, nonce and packet there is one valid message. */
    @Property(tries = 200)
    void sealsWhatTheJdkOpens(@ForAll @Size(32) byte[] key, @ForAll long counter, @ForAll @Size(max = 2000) byte[] packet,
            @ForAll @IntRange(max = 32) int offset) throws Exception {
        byte[] message = message(offset, packet);

        OPENSSL.key(key).seal(counter, message, offset, packet.length);

        assertThat(JDK.key(key).open(counter, message, offset, packet.length + 16)).isEqualTo(packet.length);
        assertThat(Arrays.copyOfRange(message, offset, offset + packet.length)).isEqualTo(packet);
    }

    /** The JDK refuses to seal twice under one key and nonce on a thread, so each length has its own counter here. */
    @Test
    void opensWhatTheJdkSealedAtEveryLengthOfAPacket() throws Exception {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 0x42);
        for (int length = 0; length <= 1500; length++) {
            byte[] packet = new byte[length];
            Arrays.fill(packet, (byte) length);
            byte[] message = message(16, packet);
            JDK.key(key).seal(length, message, 16, length);

            assertThat(OPENSSL.key(key).open(length, message, 16, length + 16)).isEqualTo(length);
            assertThat(Arrays.copyOfRange(message, 16, 16 + length)).isEqualTo(packet);
        }
    }

    @Property(tries = 100)
    void refusesAMessageWithAnyByteChanged(@ForAll @Size(max = 200) byte[] packet, @ForAll int position, @ForAll byte flip)
            throws Exception {
        byte[] key = new byte[32];
        byte[] message = message(16, packet);
        OPENSSL.key(key).seal(7, message, 16, packet.length);
        int changed = 16 + Math.floorMod(position, packet.length + 16);
        message[changed] ^= (byte) (flip == 0 ? 1 : flip);

        assertThatThrownBy(() -> OPENSSL.key(key).open(7, message, 16, packet.length + 16)).isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void refusesAMessageUnderAnotherCounterOrKey() {
        byte[] key = new byte[32];
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        byte[] sealed = message(16, "a packet".getBytes());
        OPENSSL.key(key).seal(1, sealed, 16, 8);

        assertThatThrownBy(() -> OPENSSL.key(key).open(2, sealed.clone(), 16, 24)).isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> OPENSSL.key(otherKey).open(1, sealed.clone(), 16, 24)).isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void refusesAMessageShorterThanItsTag() {
        assertThatThrownBy(() -> OPENSSL.key(new byte[32]).open(0, new byte[31], 16, 15)).isInstanceOf(AEADBadTagException.class)
                .hasMessageContaining("at least its 16-byte tag");
    }

    @Test
    void leavesTheBytesAroundTheMessageAsTheyWere() {
        byte[] buffer = new byte[16 + 100 + 16 + 8];
        Arrays.fill(buffer, (byte) 0x5a);
        OPENSSL.key(new byte[32]).seal(3, buffer, 16, 100);

        assertThat(Arrays.copyOfRange(buffer, 0, 16)).containsOnly(0x5a);
        assertThat(Arrays.copyOfRange(buffer, 132, 140)).containsOnly(0x5a);
    }

    @Test
    void sealsFromManyThreadsAtOnceAsTheJdkDoes() throws Exception {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 3);
        TransportCipher.SessionKey shared = OPENSSL.key(key);
        List<Callable<Boolean>> tasks = new ArrayList<>();
        for (int thread = 0; thread < 8; thread++) {
            long first = thread * 1000L;
            tasks.add(() -> {
                for (long counter = first; counter < first + 1000; counter++) {
                    byte[] packet = new byte[(int) (counter % 1500)];
                    Arrays.fill(packet, (byte) counter);
                    byte[] ours = message(16, packet);
                    byte[] jdks = message(16, packet);
                    shared.seal(counter, ours, 16, packet.length);
                    JDK.key(key).seal(counter, jdks, 16, packet.length);
                    if (!Arrays.equals(ours, jdks)) {
                        return false;
                    }
                }
                return true;
            });
        }
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (Future<Boolean> agreed : threads.invokeAll(tasks)) {
                assertThat(agreed.get()).isTrue();
            }
        }
    }

    @Test
    void isTheCipherChosenByDefaultWhereLibcryptoLoads() {
        assertThat(TransportCiphers.chosen().cipher().name()).isEqualTo("openssl");
        assertThat(TransportCiphers.chosen().cipher().description()).startsWith("OpenSSL 3.");
    }

    @Test
    void refusesAKeyThatIsNot32Bytes() {
        assertThatThrownBy(() -> OPENSSL.key(new byte[16])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a ChaCha20-Poly1305 key is 32 bytes, not 16");
    }

    /** The packet at {@code offset} in an array with room for its tag after it. */
    private static byte[] message(int offset, byte[] packet) {
        byte[] message = new byte[offset + packet.length + 16];
        System.arraycopy(packet, 0, message, offset, packet.length);
        return message;
    }
}
