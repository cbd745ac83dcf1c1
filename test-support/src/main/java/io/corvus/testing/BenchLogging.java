package io.corvus.testing;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logging for a benchmark's own JVM. It starts no Quarkus application, so nothing configures JBoss
 * LogManager, and Quarkus's initial configurator (on every service's test classpath) lets every
 * level through: the Kafka clients in the JVM then format each DEBUG and TRACE record, which took
 * 16 % of the simulated agents' CPU in {@code bench/agent-fleet.sh}. Services and agents started as
 * processes configure their own logging and are not affected.
 */
public final class BenchLogging {

    private BenchLogging() {
    }

    /** Warnings and errors only, for every logger of this JVM. */
    public static void warningsOnly() {
        Logger.getLogger("").setLevel(Level.WARNING);
    }
}
