package io.corvus.launcher;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.corvus.events.payload.CorvusEvent;

/** An event the demo waits for, described the way the demo reports it when it does not arrive. */
record Expectation(String description, Predicate<CorvusEvent> matches) {

    /** Waits until each expectation has a matching event; returns those still unmet at the deadline. */
    static List<Expectation> awaitAll(List<Expectation> expectations, EventWatcher watcher, Duration timeout)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        List<Expectation> unmet = unmet(expectations, watcher);
        while (!unmet.isEmpty() && Instant.now().isBefore(deadline)) {
            TimeUnit.MILLISECONDS.sleep(100);
            unmet = unmet(expectations, watcher);
        }
        return unmet;
    }

    private static List<Expectation> unmet(List<Expectation> expectations, EventWatcher watcher) {
        List<CorvusEvent> seen = watcher.seen();
        return expectations.stream().filter(e -> seen.stream().noneMatch(e.matches())).toList();
    }
}
