package io.corvus.agent.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class RestartWhenRoleGoneTest {

    private final AtomicInteger restarts = new AtomicInteger();

    @Test
    void restartsOnceTheRoleStayedGoneForTheGrace() {
        RestartWhenRoleGone restart = new RestartWhenRoleGone(Duration.ofMillis(10), restarts::incrementAndGet);

        restart.roleGone();

        await().atMost(Duration.ofSeconds(30)).until(() -> !restart.restartDue());
        assertThat(restarts).hasValue(1);
    }

    @Test
    void aRoleBackWithinTheGraceCallsTheRestartOff() {
        RestartWhenRoleGone restart = new RestartWhenRoleGone(Duration.ofHours(1), restarts::incrementAndGet);
        restart.roleGone();
        assertThat(restart.restartDue()).isTrue();

        restart.roleBack();

        assertThat(restart.restartDue()).isFalse();
        assertThat(restarts).hasValue(0);
    }

    @Test
    void aRoleThatNeverWentCallsNothingOff() {
        RestartWhenRoleGone restart = new RestartWhenRoleGone(Duration.ofMillis(10), restarts::incrementAndGet);

        restart.roleBack();

        assertThat(restart.restartDue()).isFalse();
        assertThat(restarts).hasValue(0);
    }
}
