package io.corvus.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ReceiveBudgetTest {

    private final ReceiveBudget budget = new ReceiveBudget(16 << 20, 12 << 20, 24 << 20);

    @Test
    void theBudgetIsOverdrawnOnlyAboveItsMark() {
        assertThat(budget.overdrawn(12 << 20)).isFalse();
        assertThat(budget.overdrawn((12 << 20) + 1)).isTrue();
    }

    @Test
    void theAgentIsOverdrawnOnlyAboveItsOwnMark() {
        assertThat(budget.agentOverdrawn(24 << 20)).isFalse();
        assertThat(budget.agentOverdrawn((24 << 20) + 1)).isTrue();
    }

    @Test
    void theStreamHoldingTheMostGivesWayFirst() {
        assertThat(budget.streamToShed(Map.of("logs", 700 << 10, "exec", 900 << 10, "metrics", 0))).contains("exec");
    }

    @Test
    void manyStreamsHoldingALittleEachStillYieldOne() {
        assertThat(budget.streamToShed(Map.of("a", 150 << 10, "b", 160 << 10, "c", 155 << 10))).contains("b");
    }

    @Test
    void streamsThatHoldNothingAreNeverShed() {
        assertThat(budget.streamToShed(Map.of("reading", 0, "done", 0))).isEmpty();
        assertThat(budget.streamToShed(Map.of())).isEmpty();
    }

    @Test
    void aMarkOutsideTheBudgetIsRefusedWithTheRule() {
        assertThatThrownBy(() -> new ReceiveBudget(1 << 20, 1 << 20, 1 << 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 < shedAbove < bytes");
        assertThatThrownBy(() -> new ReceiveBudget(1 << 20, 0, 1 << 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReceiveBudget(16 << 20, 12 << 20, 8 << 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("agentShedAbove >= shedAbove");
    }
}
