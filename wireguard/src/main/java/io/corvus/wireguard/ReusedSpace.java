package io.corvus.wireguard;

/**
 * Packets laid one after another, each with its room, in one array that is used again for the
 * next batch: a device's thread cuts, seals or opens a batch of packets without an array per
 * packet, which at gigabits per second kept the agent's collector busy (and, through the
 * collector's notifications, its metrics). Not for several threads; a packet kept past its
 * batch must be copied ({@link Packet#copy}).
 */
public final class ReusedSpace implements Packet.Space {

    private final Packet.Room room;
    private byte[] array;
    private int used;

    public ReusedSpace(Packet.Room room, int capacity) {
        this.room = room;
        this.array = new byte[capacity];
    }

    /**
     * Room for a packet of {@code length} bytes after the ones given out since the last
     * {@link #reset}; in a larger array when this one is full.
     */
    @Override
    public Packet allocate(int length) {
        int needed = room.arrayLength(length);
        if (used + needed > array.length) { // the packets already given out keep the old array
            array = new byte[Math.max(2 * array.length, needed)];
            used = 0;
        }
        Packet packet = new Packet(array, used + room.before(), length);
        used += needed;
        return packet;
    }

    /** The batch is done: its packets' places may be given out again. */
    public void reset() {
        used = 0;
    }
}
