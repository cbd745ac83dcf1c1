package io.corvus.agent.boot;

import java.io.IOException;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.smallrye.config.ConfigValidationException;

/**
 * {@code java -jar agent.jar}: reads the settings, starts the agent, and stops it on SIGTERM or
 * SIGINT. Settings that cannot be read end the process with status 2 and every problem named; an
 * agent that cannot start (a port taken) with status 1 and the cause.
 */
public final class AgentMain {

    /** One line per record: time, level, logger, message. */
    private static final String LOG_FORMAT = "%1$tF %1$tT,%1$tL %4$-7s [%3$s] %5$s%6$s%n";
    /** Held here: the JDK's logging keeps only weak references, and a collected logger forgets its level. */
    private static final Logger KAFKA = Logger.getLogger("org.apache.kafka");
    private static final Logger KAFKA_NETWORK = Logger.getLogger("org.apache.kafka.clients.NetworkClient");

    private AgentMain() {
    }

    public static void main(String[] args) throws Exception {
        configureLogging();
        AgentConfig config;
        try {
            config = AgentConfig.fromProcess();
        } catch (ConfigValidationException | IllegalArgumentException | NoSuchElementException e) {
            System.err.println("corvus agent: the settings cannot be used:\n" + e.getMessage()
                    + "\n(set them as CORVUS_AGENT_* environment variables or -Dcorvus.agent.* properties)");
            System.exit(2);
            return;
        }
        Agent agent;
        try {
            agent = new Agent(config);
        } catch (IOException e) { // a port taken, a file unreadable: the message says which
            System.err.println("corvus agent: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("agent-shutdown").unstarted(() -> {
            agent.close();
            stopped.countDown();
        }));
        Logger.getLogger(AgentMain.class.getName()).info(() -> "agent of node " + config.settings().nodeName() + " in cluster "
                + config.settings().clusterId() + " started; health on :" + agent.healthPort() + ", metrics on :" + agent.metricsPort());
        stopped.await();
    }

    /** The JDK's logging, where the Kafka client (through SLF4J) and the agent's own loggers write. */
    private static void configureLogging() {
        System.setProperty("java.util.logging.SimpleFormatter.format", LOG_FORMAT);
        KAFKA.setLevel(Level.WARNING);
        KAFKA_NETWORK.setLevel(Level.SEVERE);
    }
}
