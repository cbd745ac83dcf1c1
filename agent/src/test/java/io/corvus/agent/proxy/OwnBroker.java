package io.corvus.agent.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

import io.corvus.kafka.broker.KraftBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A broker only one test class uses (scope {@code RESTRICTED_TO_CLASS}), for a class that stops it
 * or needs it without topics. With the init argument {@code agent-creates-topics=false} the agent
 * runs as it does in a cluster: it creates no topics and waits for them.
 */
public class OwnBroker implements QuarkusTestResourceLifecycleManager {

    static final String AGENT_CREATES_TOPICS = "agent-creates-topics";

    static KraftBroker broker;
    private boolean agentCreatesTopics = true;

    @Override
    public void init(Map<String, String> initArgs) {
        agentCreatesTopics = Boolean.parseBoolean(initArgs.getOrDefault(AGENT_CREATES_TOPICS, "true"));
    }

    @Override
    public Map<String, String> start() {
        try {
            broker = KraftBroker.start(Files.createTempDirectory("corvus-agent-own-kafka"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>(Map.of("kafka.bootstrap.servers", broker.bootstrapServers()));
        config.put("corvus.topics.bootstrap", String.valueOf(agentCreatesTopics));
        return config;
    }

    static synchronized void stopBroker() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    @Override
    public void stop() {
        stopBroker();
    }
}
