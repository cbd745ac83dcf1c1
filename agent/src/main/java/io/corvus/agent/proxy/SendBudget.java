package io.corvus.agent.proxy;

/**
 * What an agent may hold that it read from relayed sockets (clients at the front doors, targets on
 * the edge) and has not yet handed to a link. Each stream already holds little (its channel turns
 * unwritable at 64 KiB and the relay then stops reading), but a gateway relaying a thousand streams
 * over a slow uplink, or into peers whose readers stopped, would hold a thousand times that.
 * <p>
 * At the mark, relays stop reading their sockets until what is held falls to three quarters of it,
 * so the bytes wait in the senders' kernels instead and the agent's memory stays bounded. Reads
 * are also cut to the room left under the mark: once a relay has asked to read, the bytes may
 * arrive after others filled the room, and a full-size read from each of a thousand sockets would
 * overshoot the mark by their number times 64 KiB. Past the mark a read takes only
 * {@link #SMALLEST_READ} (an asked-for read must take something).
 *
 * @param mark bytes held to send, over all the agent's relays, at which they stop reading
 */
public record SendBudget(long mark) {

    /** What a read takes when the agent is at or past its mark. */
    public static final int SMALLEST_READ = 1024;
    /** Four streams' worth (each holds up to 64 KiB): below it a few busy streams would stop each other. */
    public static final long SMALLEST_MARK = 256 << 10;

    public SendBudget {
        if (mark < SMALLEST_MARK) {
            throw new IllegalArgumentException("corvus.agent.proxy.send-mark must be at least 256K (it bounds what all relayed streams "
                    + "together hold to send; 16M is the default), not " + mark + " bytes");
        }
    }

    /** True when relays must stop reading their sockets. */
    public boolean full(long held) {
        return held >= mark;
    }

    /** True when relays that stopped may read again. */
    public boolean roomAgain(long held) {
        return held <= mark - mark / 4;
    }

    /** How much the next read from a socket may take: what it would take, cut to the room left under the mark. */
    public int readSize(int wanted, long held) {
        long room = Math.max(SMALLEST_READ, mark - held);
        return (int) Math.min(wanted, room);
    }
}
