package io.corvus.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReusedSpaceTest {

    private static final Packet.Room ROOM = new Packet.Room(16, 16, 16);

    @Test
    void packetsOfOneBatchLieOneAfterAnotherEachWithItsRoom() {
        ReusedSpace space = new ReusedSpace(ROOM, 1024);

        Packet first = space.allocate(20);
        Packet second = space.allocate(5);

        assertThat(second.bytes()).isSameAs(first.bytes());
        assertThat(first.offset()).isEqualTo(16);
        assertThat(second.offset()).as("after the first's padding to 32 and its tag, then its own header")
                .isEqualTo(16 + 32 + 16 + 16);
    }

    @Test
    void theNextBatchTakesTheSamePlacesAgain() {
        ReusedSpace space = new ReusedSpace(ROOM, 1024);
        Packet earlier = space.allocate(100);

        space.reset();

        Packet later = space.allocate(100);
        assertThat(later.bytes()).isSameAs(earlier.bytes());
        assertThat(later.offset()).isEqualTo(earlier.offset());
    }

    @Test
    void aFullArrayIsReplacedByALargerOneAndThePacketsGivenOutKeepTheirs() {
        ReusedSpace space = new ReusedSpace(ROOM, 100);
        Packet inTheFirst = space.allocate(40);

        Packet tooLarge = space.allocate(150);

        assertThat(tooLarge.bytes()).isNotSameAs(inTheFirst.bytes()).hasSizeGreaterThanOrEqualTo(ROOM.arrayLength(150));
        assertThat(inTheFirst.bytes()).hasSize(100);
        space.reset();
        assertThat(space.allocate(150).bytes()).as("the larger array is kept").isSameAs(tooLarge.bytes());
    }
}
