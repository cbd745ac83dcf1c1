package io.corvus.wireguard;

/**
 * Which transport counters a session has taken (paper, 5.4.6; RFC 6479's ring of bit blocks): each
 * counter once, in any order within the last {@value #WINDOW} behind the highest; older ones
 * are dropped. Called only after a message decrypted, so forgeries cannot move the window.
 */
final class ReplayWindow {

    private static final int BLOCKS = 32;
    /** Counters this far behind the highest are still taken (one block of the ring is the one being filled). */
    static final long WINDOW = (BLOCKS - 1) * 64L;

    private final long[] ring = new long[BLOCKS];
    /** The highest counter taken; -1 before the first. */
    private long highest = -1;

    /** Takes {@code counter} if new and not too old; false if it must be dropped. Counters are below 2^63. */
    synchronized boolean accept(long counter) {
        if (counter < 0 || (highest >= 0 && counter <= highest - WINDOW)) {
            return false;
        }
        long block = counter >>> 6;
        if (counter > highest) {
            long current = highest < 0 ? -1 : highest >>> 6;
            long cleared = Math.min(block - current, BLOCKS);
            for (long i = 1; i <= cleared; i++) {
                ring[(int) ((current + i) % BLOCKS)] = 0;
            }
            highest = counter;
        }
        int slot = (int) (block % BLOCKS);
        long bit = 1L << (counter & 63);
        if ((ring[slot] & bit) != 0) {
            return false;
        }
        ring[slot] |= bit;
        return true;
    }
}
