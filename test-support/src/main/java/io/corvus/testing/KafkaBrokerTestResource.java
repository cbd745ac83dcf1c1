package io.corvus.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a {@code @QuarkusTest} the test JVM's one real broker as {@code kafka.bootstrap.servers}.
 * The broker outlives each test class and stops with the JVM, so it starts once per module.
 */
public final class KafkaBrokerTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", TestBrokers.bootstrapServers());
    }

    @Override
    public void stop() {
        // shared by every test class of this JVM; TestBrokers stops it at JVM exit
    }
}
