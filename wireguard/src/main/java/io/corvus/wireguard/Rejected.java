package io.corvus.wireguard;

/**
 * A message dropped, and why: WireGuard answers nothing to what it drops, so the reason is for the
 * node's counters and logs. Thrown for input from the network, never for a bug of the caller.
 */
public final class Rejected extends Exception {

    /** What was wrong with the message. */
    public enum Reason {
        /** Shorter or longer than its type allows. */
        MALFORMED,
        /** Not one of the four message types. */
        UNKNOWN_TYPE,
        /** Its mac1 was not made for this node's public key: not for us, or altered. */
        BAD_MAC,
        /** It did not decrypt with the keys the handshake or the session derived: forged, altered or for another key. */
        FORGED,
        /** A public key of small order: the shared secret would be zero. */
        WEAK_KEY,
        /** An initiation whose timestamp is not newer than the last one taken from its sender. */
        REPLAYED_INITIATION,
        /** A transport counter already seen, or too old for the replay window. */
        REPLAYED,
        /** A transport message for an index this node does not hold. */
        UNKNOWN_INDEX,
        /** A transport counter at or past the limit after which a session must not be used. */
        EXPIRED
    }

    private final Reason reason;

    public Rejected(Reason reason, String detail) {
        super(reason + ": " + detail, null, false, false); // dropped packets are many and expected: no stack traces
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
