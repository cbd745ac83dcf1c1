package io.corvus.wireguard;

import static io.corvus.wireguard.Rejections.reasonOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class HandshakeTest {

    private final Identity alice = Identity.generate();
    private final Identity bob = Identity.generate();
    private final byte[] psk = Primitives.hash("cluster psk".getBytes(StandardCharsets.US_ASCII));

    @Test
    void twoPeersAgreeOnASessionAndCarryPacketsBothWays() throws Rejected {
        Handshake.Initiator initiator = Handshake.initiate(alice, bob.publicKey(), psk, 11, Timestamps.tai64n(Instant.now()));
        Handshake.Responder responder = Handshake.receive(bob, initiator.message());
        assertThat(responder.peerPublicKey()).isEqualTo(alice.publicKey());
        Handshake.Reply reply = responder.respond(psk, 22);
        Session aliceSession = initiator.complete(reply.message());
        Session bobSession = reply.session();

        assertThat(aliceSession.remoteIndex()).isEqualTo(22);
        assertThat(bobSession.remoteIndex()).isEqualTo(11);
        assertThat(bobSession.open(aliceSession.seal(Packet.of(bytes("ping")))).toArray()).startsWith(bytes("ping")).hasSize(16);
        assertThat(aliceSession.open(bobSession.seal(Packet.of(bytes("pong")))).toArray()).startsWith(bytes("pong"));
        assertThat(bobSession.open(aliceSession.seal(Packet.of(new byte[0]))).toArray()).as("a keepalive").isEmpty();
    }

    @Test
    void anInitiationForAnotherKeyFailsItsMac() throws Rejected {
        byte[] initiation = Handshake.initiate(alice, bob.publicKey(), psk, 1, Timestamps.tai64n(Instant.now())).message();

        assertThat(reasonOf(() -> Handshake.receive(Identity.generate(), initiation))).isEqualTo(Rejected.Reason.BAD_MAC);
    }

    @Test
    void anAlteredInitiationWithAValidMacDoesNotDecrypt() throws Rejected {
        byte[] initiation = Handshake.initiate(alice, bob.publicKey(), psk, 1, Timestamps.tai64n(Instant.now())).message();
        initiation[50] ^= 1; // inside the encrypted static key
        remac(initiation, bob);

        assertThat(reasonOf(() -> Handshake.receive(bob, initiation))).isEqualTo(Rejected.Reason.FORGED);
    }

    @Test
    void anotherPresharedKeyFailsAtTheInitiator() throws Rejected {
        Handshake.Initiator initiator = Handshake.initiate(alice, bob.publicKey(), psk, 1, Timestamps.tai64n(Instant.now()));
        Handshake.Reply reply = Handshake.receive(bob, initiator.message()).respond(new byte[32], 2);

        assertThat(reasonOf(() -> initiator.complete(reply.message()))).isEqualTo(Rejected.Reason.FORGED);
    }

    @Test
    void aResponseToAnotherHandshakeIsRefused() throws Rejected {
        Handshake.Initiator first = Handshake.initiate(alice, bob.publicKey(), psk, 1, Timestamps.tai64n(Instant.now()));
        Handshake.Initiator second = Handshake.initiate(alice, bob.publicKey(), psk, 2, Timestamps.tai64n(Instant.now()));
        Handshake.Reply reply = Handshake.receive(bob, first.message()).respond(psk, 3);

        assertThat(reasonOf(() -> second.complete(reply.message()))).isEqualTo(Rejected.Reason.UNKNOWN_INDEX);
    }

    @Test
    void aPeerKeyOfSmallOrderIsRefused() {
        assertThat(reasonOf(() -> Handshake.initiate(alice, new byte[32], psk, 1, Timestamps.tai64n(Instant.now()))))
                .isEqualTo(Rejected.Reason.WEAK_KEY);
    }

    @Test
    void aReplayedInitiationCarriesNoNewerTimestamp() throws Rejected {
        byte[] initiation = Handshake.initiate(alice, bob.publicKey(), psk, 1, Timestamps.tai64n(Instant.parse("2026-12-05T05:00:00Z")))
                .message();
        byte[] taken = Handshake.receive(bob, initiation).timestamp();

        assertThat(Timestamps.newer(Handshake.receive(bob, initiation).timestamp(), taken)).isFalse();
        assertThat(Timestamps.newer(Timestamps.tai64n(Instant.parse("2026-12-05T05:00:00.000000001Z")), taken)).isTrue();
    }

    @Test
    void transportMessagesAreTakenOnceInAnyOrderAndForgeriesAreDropped() throws Rejected {
        Session[] pair = pair();
        byte[] first = pair[0].seal(Packet.of(bytes("one"))).toArray();
        byte[] second = pair[0].seal(Packet.of(bytes("two"))).toArray();
        byte[] replayed = first.clone(); // opening works in place: the first copy becomes the packet

        assertThat(pair[1].open(Packet.of(second)).toArray()).startsWith(bytes("two"));
        assertThat(pair[1].open(Packet.of(first)).toArray()).as("reordered").startsWith(bytes("one"));
        assertThat(reasonOf(() -> pair[1].open(Packet.of(replayed)))).isEqualTo(Rejected.Reason.REPLAYED);
        byte[] forged = pair[0].seal(Packet.of(bytes("three"))).toArray();
        forged[forged.length - 1] ^= 1;
        assertThat(reasonOf(() -> pair[1].open(Packet.of(forged)))).isEqualTo(Rejected.Reason.FORGED);
        assertThat(reasonOf(() -> pair[1].open(Packet.of(Arrays.copyOf(second, 20))))).isEqualTo(Rejected.Reason.MALFORMED);
        assertThat(reasonOf(() -> pair[0].open(pair[0].seal(Packet.of(bytes("to myself")))))).isEqualTo(Rejected.Reason.UNKNOWN_INDEX);
    }

    @Test
    void aPacketWithRoomAroundItIsSealedAndOpenedWhereItLiesAndAnyOtherIsCopied() throws Rejected {
        Session[] pair = pair();
        ReusedSpace space = new ReusedSpace(Session.MESSAGE_ROOM, 1024);
        Packet before = space.allocate(3);
        Packet inRoom = space.allocate(5);
        Packet after = space.allocate(3);
        System.arraycopy(bytes("abc"), 0, before.bytes(), before.offset(), 3);
        System.arraycopy(bytes("hello"), 0, inRoom.bytes(), inRoom.offset(), 5);
        System.arraycopy(bytes("xyz"), 0, after.bytes(), after.offset(), 3);
        inRoom.bytes()[inRoom.offset() + 5] = 9; // left over where the padding goes: sealed as zero

        Packet message = pair[0].seal(inRoom);
        assertThat(message.bytes()).isSameAs(inRoom.bytes());
        assertThat(message.offset()).isEqualTo(inRoom.offset() - Session.HEADER_LENGTH);
        assertThat(message.length()).isEqualTo(16 + 16 + 16);
        assertThat(before.toArray()).as("the packet before, untouched").isEqualTo(bytes("abc"));
        assertThat(after.toArray()).as("the packet after, untouched").isEqualTo(bytes("xyz"));
        Packet opened = pair[1].open(message);
        assertThat(opened.bytes()).isSameAs(message.bytes());
        assertThat(opened.toArray()).isEqualTo(Arrays.copyOf(bytes("hello"), 16));

        Packet elsewhere = new Packet(bytes("..hello.."), 2, 5);
        Packet copied = pair[0].seal(elsewhere);
        assertThat(copied.bytes()).isNotSameAs(elsewhere.bytes());
        assertThat(copied.length()).isEqualTo(48);
        assertThat(elsewhere.toArray()).isEqualTo(bytes("hello"));
        assertThat(pair[1].open(copied).toArray()).isEqualTo(Arrays.copyOf(bytes("hello"), 16));
    }

    /** Whatever an unauthenticated sender sends, the reader drops it with a reason and nothing else escapes. */
    @Property(tries = 500)
    void anyBytesAreRejectedNotThrown(@ForAll @Size(max = 200) byte[] message) throws Rejected {
        Identity local = Identity.generate();
        Session session = pair()[1];
        byte[] typed = message.length > 0 ? message : new byte[] {1};
        assertThat(reasonOf(() -> Handshake.receive(local, typed))).isNotNull();
        assertThat(reasonOf(() -> session.open(Packet.of(message)))).isNotNull();
    }

    private Session[] pair() throws Rejected {
        Handshake.Initiator initiator = Handshake.initiate(alice, bob.publicKey(), null, 5, Timestamps.tai64n(Instant.now()));
        Handshake.Reply reply = Handshake.receive(bob, initiator.message()).respond(null, 6);
        return new Session[] {initiator.complete(reply.message()), reply.session()};
    }

    private static void remac(byte[] initiation, Identity receiver) {
        byte[] key = Primitives.hash("mac1----".getBytes(StandardCharsets.US_ASCII), receiver.publicKey());
        System.arraycopy(Primitives.mac(key, initiation, 116), 0, initiation, 116, 16);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
