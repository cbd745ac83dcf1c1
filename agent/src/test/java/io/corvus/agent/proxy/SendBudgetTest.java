package io.corvus.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SendBudgetTest {

    private final SendBudget budget = new SendBudget(16 << 20);

    @Test
    void relaysStopReadingOnceTheAgentHoldsItsMark() {
        assertThat(budget.full((16 << 20) - 1)).isFalse();
        assertThat(budget.full(16 << 20)).isTrue();
    }

    @Test
    void stoppedRelaysReadAgainOnlyOnceAQuarterOfTheMarkIsFree() {
        assertThat(budget.roomAgain((12 << 20) + 1)).isFalse();
        assertThat(budget.roomAgain(12 << 20)).isTrue();
    }

    @Test
    void aReadTakesWhatItWouldWhileThereIsRoomForIt() {
        assertThat(budget.readSize(64 << 10, 0)).isEqualTo(64 << 10);
        assertThat(budget.readSize(2048, (16 << 20) - (64 << 10))).isEqualTo(2048);
    }

    @Test
    void aReadNearTheMarkIsCutToTheRoomLeft() {
        assertThat(budget.readSize(64 << 10, (16 << 20) - 5000)).isEqualTo(5000);
    }

    @Test
    void aReadAtOrPastTheMarkTakesTheSmallestPiece() {
        assertThat(budget.readSize(64 << 10, 16 << 20)).isEqualTo(SendBudget.SMALLEST_READ);
        assertThat(budget.readSize(64 << 10, 40 << 20)).isEqualTo(SendBudget.SMALLEST_READ);
    }

    @Test
    void aReadThatWouldTakeLessThanTheSmallestPieceIsNeverMadeBigger() {
        assertThat(budget.readSize(512, 0)).isEqualTo(512);
        assertThat(budget.readSize(512, 16 << 20)).isEqualTo(512);
    }

    @Test
    void aMarkTooSmallForAFewStreamsIsRefusedWithTheSettingToChange() {
        assertThatThrownBy(() -> new SendBudget(64 << 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("corvus.agent.proxy.send-mark").hasMessageContaining("at least 256K");
        assertThat(new SendBudget(SendBudget.SMALLEST_MARK).mark()).isEqualTo(256 << 10);
    }
}
