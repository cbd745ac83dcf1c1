package io.corvus.wireguard;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * When a peer's device must act without a packet to send (paper, section 6): retry an unanswered
 * handshake after {@link #REKEY_TIMEOUT}, give up after {@link #REKEY_ATTEMPT_TIME}; answer data
 * with a keepalive when nothing went back within {@link #KEEPALIVE_TIMEOUT}; start a handshake when
 * data went out and nothing came back for {@link #KEEPALIVE_TIMEOUT} + {@link #REKEY_TIMEOUT} (the
 * peer may have lost its session); and, when configured, send a keepalive after that many seconds
 * of silence to hold a NAT mapping open, making a session first when there is none. The device tells it what happened and asks {@link #due} on
 * each tick; plain state, no clock of its own. Not thread-safe: the device holds the peer's lock.
 */
public final class PeerTimers {

    public static final Duration REKEY_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration REKEY_ATTEMPT_TIME = Duration.ofSeconds(90);
    public static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(10);

    /** What the device must do now. */
    public enum Action {
        /** Send a new initiation (a retry, or a session that seems lost). */
        INITIATE,
        /** Stop retrying: drop the packets held for the handshake. */
        GIVE_UP,
        /** Send a keepalive (an empty transport message) in the current session. */
        KEEPALIVE
    }

    private Duration persistentKeepalive;
    private Instant handshakeSentAt;
    private Instant firstAttemptAt;
    private Instant lastSent;
    private Instant lastDataSent;
    private Instant lastReceived;
    private Instant lastDataReceived;

    /** @param persistentKeepalive zero for none */
    public PeerTimers(Duration persistentKeepalive) {
        this.persistentKeepalive = persistentKeepalive;
    }

    /** The peer's configuration changed its persistent keepalive (zero: none from now on). */
    public void keepPersistentlyEvery(Duration persistentKeepalive) {
        this.persistentKeepalive = persistentKeepalive;
    }

    /** An initiation went out; the first of a series of attempts starts the give-up clock. */
    public void initiated(Instant now) {
        if (firstAttemptAt == null) {
            firstAttemptAt = now;
        }
        handshakeSentAt = now;
    }

    /** Whether an initiation went out less than {@link #REKEY_TIMEOUT} ago and is still unanswered: no new one yet. */
    public boolean awaitingResponse(Instant now) {
        return handshakeSentAt != null && now.isBefore(handshakeSentAt.plus(REKEY_TIMEOUT));
    }

    /** A handshake completed (this side's response came back, or the peer confirmed ours). */
    public void established() {
        handshakeSentAt = null;
        firstAttemptAt = null;
        lastDataSent = null; // the data that went unanswered went in the old session
    }

    /** A transport message went out; {@code data}: not a keepalive. */
    public void sent(Instant now, boolean data) {
        lastSent = now;
        if (data) {
            lastDataSent = now;
        }
    }

    /** An authenticated transport message came in; {@code data}: not a keepalive. */
    public void received(Instant now, boolean data) {
        lastReceived = now;
        if (data) {
            lastDataReceived = now;
        }
    }

    /**
     * What is due at {@code now}; {@code hasSession}: a session that may send. Acting on an
     * {@link Action#INITIATE} is reported back through {@link #initiated}, on a keepalive through {@link #sent}.
     */
    public Set<Action> due(Instant now, boolean hasSession) {
        Set<Action> actions = EnumSet.noneOf(Action.class);
        if (handshakeSentAt != null) {
            if (!now.isBefore(firstAttemptAt.plus(REKEY_ATTEMPT_TIME))) {
                actions.add(Action.GIVE_UP);
                handshakeSentAt = null;
                firstAttemptAt = null;
            } else if (!now.isBefore(handshakeSentAt.plus(REKEY_TIMEOUT))) {
                actions.add(Action.INITIATE);
            }
        } else if (!hasSession && !persistentKeepalive.isZero()) {
            actions.add(Action.INITIATE); // a keepalive needs a session: the NAT mapping is held from this side
        } else if (hasSession && lastDataSent != null && (lastReceived == null || lastReceived.isBefore(lastDataSent))
                && !now.isBefore(lastDataSent.plus(KEEPALIVE_TIMEOUT).plus(REKEY_TIMEOUT))) {
            actions.add(Action.INITIATE);
        }
        if (hasSession) {
            boolean owesAnswer = lastDataReceived != null && (lastSent == null || lastSent.isBefore(lastDataReceived))
                    && !now.isBefore(lastDataReceived.plus(KEEPALIVE_TIMEOUT));
            boolean holdsNat = !persistentKeepalive.isZero() && !now.isBefore((lastSent == null ? Instant.EPOCH : lastSent)
                    .plus(persistentKeepalive));
            if (owesAnswer || holdsNat) {
                actions.add(Action.KEEPALIVE);
            }
        }
        return actions;
    }
}
