package io.corvus.launcher;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.corvus.events.payload.CorvusEvent;

/**
 * What the demo waits for, described the way the demo reports it when it does not arrive: a
 * condition on every event seen so far, checked once per look.
 */
record Expectation(String description, Predicate<List<CorvusEvent>> metBy) {

    /** Met once any event seen matches. */
    static Expectation event(String description, Predicate<CorvusEvent> matches) {
        return new Expectation(description, seen -> seen.stream().anyMatch(matches));
    }

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
        return expectations.stream().filter(e -> !e.metBy().test(seen)).toList();
    }
}
