package io.corvus.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.corvus.kafka.broker.KraftBroker;

/**
 * The one broker of a test JVM, started on first use and stopped when the JVM exits, shared by
 * every class loader of the JVM.
 *
 * <p>By default it is the in-JVM {@link KraftBroker}; with {@code -Dcorvus.test.broker=docker}
 * (Maven profile {@code docker-kafka}) it is the Kafka image run by Testcontainers.
 */
public final class TestBrokers {

    /** System property that picks the broker: {@code kraft} (default) or {@code docker}. */
    public static final String BROKER_PROPERTY = "corvus.test.broker";

    /**
     * Where the running broker answers. A system property, not a static field: Quarkus loads each
     * test profile's classes in a class loader of its own, and they must all find the same broker.
     */
    private static final String BOOTSTRAP_PROPERTY = "corvus.test.bootstrap-servers";

    private TestBrokers() {
    }

    public static boolean dockerRequested() {
        return "docker".equals(System.getProperty(BROKER_PROPERTY, "kraft"));
    }

    public static String bootstrapServers() {
        synchronized (System.getProperties()) { // the one lock every class loader of this JVM shares
            String running = System.getProperty(BOOTSTRAP_PROPERTY);
            if (running == null) {
                running = dockerRequested() ? DockerKafkaBroker.start() : startKraft();
                System.setProperty(BOOTSTRAP_PROPERTY, running);
            }
            return running;
        }
    }

    private static String startKraft() {
        try {
            Path dataDirectory = Files.createTempDirectory("corvus-kraft-");
            KraftBroker broker = KraftBroker.start(dataDirectory, 0);
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
                broker.close();
                deleteRecursively(dataDirectory);
            }));
            return broker.bootstrapServers();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless; the JVM is exiting
        }
    }
}
