package io.corvus.wireguard.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CryptoHelpersTest {

    @Property(tries = 100)
    void everyItemOfABatchIsDoneExactlyOnceBeforeForEachReturns(@ForAll @IntRange(min = 0, max = 300) int items,
            @ForAll @IntRange(min = 0, max = 4) int helpers) {
        try (CryptoHelpers crypto = new CryptoHelpers(helpers, "test-crypto")) {
            AtomicIntegerArray done = new AtomicIntegerArray(items);
            crypto.forEach(items, done::incrementAndGet);
            for (int i = 0; i < items; i++) {
                assertThat(done.get(i)).as("item %d of %d with %d helpers", i, items, helpers).isEqualTo(1);
            }
        }
    }

    @Test
    void aLargeBatchIsSharedWithTheHelpersAndASmallOneStaysOnTheCaller() {
        try (CryptoHelpers crypto = new CryptoHelpers(2, "test-crypto")) {
            Set<Thread> large = ConcurrentHashMap.newKeySet();
            crypto.forEach(3 * CryptoHelpers.MIN_PER_THREAD, i -> large.add(Thread.currentThread()));
            assertThat(large).hasSize(3).contains(Thread.currentThread());

            Set<Thread> small = ConcurrentHashMap.newKeySet();
            crypto.forEach(CryptoHelpers.MIN_PER_THREAD + 1, i -> small.add(Thread.currentThread()));
            assertThat(small).containsExactly(Thread.currentThread());
        }
    }

    @Test
    void whatFailsOnAHelperFailsTheBatchOnTheCaller() {
        try (CryptoHelpers crypto = new CryptoHelpers(1, "test-crypto")) {
            assertThatThrownBy(() -> crypto.forEach(100, i -> {
                if (i == 99) {
                    throw new IllegalStateException("this session's key sent all it may");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("this session's key sent all it may");
        }
    }
}
