package io.corvus.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class ReplayWindowTest {

    /** The rule written plainly: each counter once, none at or beyond the window behind the highest taken. */
    @Property(tries = 300)
    void takesEachCounterOnceAndNoneTooOld(@ForAll @Size(max = 400) List<@LongRange(max = 6000) Long> counters) {
        ReplayWindow window = new ReplayWindow();
        Set<Long> taken = new HashSet<>();
        long highest = -1;
        for (long counter : counters) {
            boolean expected = !taken.contains(counter) && (highest < 0 || counter > highest - ReplayWindow.WINDOW);
            assertThat(window.accept(counter)).as("counter %d after highest %d", counter, highest).isEqualTo(expected);
            if (expected) {
                taken.add(counter);
                highest = Math.max(highest, counter);
            }
        }
    }

    @Property(tries = 50)
    void takesEveryCounterOfAnInOrderStream(@ForAll @LongRange(min = 1, max = 20000) long count) {
        ReplayWindow window = new ReplayWindow();
        for (long counter = 0; counter < count; counter++) {
            assertThat(window.accept(counter)).isTrue();
        }
    }
}
