package io.corvus.agent.proxy;

import java.io.IOException;
import java.nio.file.Files;

import io.corvus.kafka.broker.KraftBroker;

/** A broker only one test class uses: for a class that stops it, or needs it without topics. */
final class OwnBroker implements AutoCloseable {

    private KraftBroker broker;

    OwnBroker() throws IOException {
        broker = KraftBroker.start(Files.createTempDirectory("corvus-agent-own-kafka"), 0);
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Stops the broker (the test goes on without it); idempotent. */
    @Override
    public synchronized void close() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
