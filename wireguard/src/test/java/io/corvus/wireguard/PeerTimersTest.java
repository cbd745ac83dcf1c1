package io.corvus.wireguard;

import static io.corvus.wireguard.PeerTimers.Action.GIVE_UP;
import static io.corvus.wireguard.PeerTimers.Action.INITIATE;
import static io.corvus.wireguard.PeerTimers.Action.KEEPALIVE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class PeerTimersTest {

    private static final Instant T0 = Instant.parse("2026-12-05T06:00:00Z");

    @Test
    void anUnansweredHandshakeIsRetriedEveryFiveSecondsAndGivenUpAfterNinety() {
        PeerTimers timers = new PeerTimers(Duration.ZERO);
        timers.initiated(T0);

        assertThat(timers.due(at(4.9), false)).isEmpty();
        assertThat(timers.due(at(5), false)).containsExactly(INITIATE);
        for (int second = 5; second < 90; second += 5) {
            timers.initiated(at(second));
        }
        assertThat(timers.due(at(90), false)).containsExactly(GIVE_UP);
        assertThat(timers.due(at(95), false)).as("once given up, quiet until the next packet").isEmpty();
    }

    @Test
    void aCompletedHandshakeStopsTheRetries() {
        PeerTimers timers = new PeerTimers(Duration.ZERO);
        timers.initiated(T0);
        timers.established();

        assertThat(timers.due(at(60), true)).isEmpty();
    }

    @Test
    void dataLeftUnansweredForTenSecondsGetsAKeepalive() {
        PeerTimers timers = new PeerTimers(Duration.ZERO);
        timers.received(T0, true);

        assertThat(timers.due(at(9.9), true)).isEmpty();
        assertThat(timers.due(at(10), true)).containsExactly(KEEPALIVE);
        timers.sent(at(10), false);
        assertThat(timers.due(at(30), true)).isEmpty();
    }

    @Test
    void aKeepaliveIsNotOwedForAKeepalive() {
        PeerTimers timers = new PeerTimers(Duration.ZERO);
        timers.received(T0, false);

        assertThat(timers.due(at(60), true)).isEmpty();
    }

    @Test
    void dataSentWithNothingBackForFifteenSecondsStartsOneHandshake() {
        PeerTimers timers = new PeerTimers(Duration.ZERO);
        timers.sent(T0, true);

        assertThat(timers.due(at(14.9), true)).isEmpty();
        assertThat(timers.due(at(15), true)).containsExactly(INITIATE);
        timers.initiated(at(15));
        timers.established();
        assertThat(timers.due(at(16), true)).as("the new session starts afresh").isEmpty();
    }

    @Test
    void anAnswerInTimeMeansNoHandshake() {
        PeerTimers timers = new PeerTimers(Duration.ZERO);
        timers.sent(T0, true);
        timers.received(at(1), true);
        timers.sent(at(1.1), true); // answering: nothing owed

        assertThat(timers.due(at(15), true)).isEmpty();
    }

    @Test
    void aPersistentKeepaliveHoldsTheMappingAndMakesASessionFirst() {
        PeerTimers timers = new PeerTimers(Duration.ofSeconds(25));

        assertThat(timers.due(T0, false)).containsExactly(INITIATE);
        timers.initiated(T0);
        timers.established();
        assertThat(timers.due(at(1), true)).containsExactly(KEEPALIVE);
        timers.sent(at(1), false);
        assertThat(timers.due(at(25.9), true)).isEmpty();
        assertThat(timers.due(at(26), true)).containsExactly(KEEPALIVE);
    }

    @Test
    void anIdlePeerWithoutPersistentKeepaliveIsLeftAlone() {
        assertThat(new PeerTimers(Duration.ZERO).due(at(1000), false)).isEmpty();
        assertThat(new PeerTimers(Duration.ZERO).due(at(1000), true)).isEmpty();
    }

    private static Instant at(double seconds) {
        return T0.plusMillis((long) (seconds * 1000));
    }
}
