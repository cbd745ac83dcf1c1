package io.corvus.agent.boot;

import java.io.IOException;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.corvus.agent.topology.GatewayRoleLoss;
import io.smallrye.config.ConfigValidationException;

/**
 * {@code java -jar agent.jar}: reads the settings, starts the agent, and stops it on SIGTERM or
 * SIGINT. Settings that cannot be read end the process with status 2 and every problem named; an
 * agent that cannot start (a port taken) with status 1 and the cause. Once its node held a gateway
 * role and holds none, it stops and starts afresh in its own process ({@link InPlaceRestart}).
 */
public final class AgentMain {

    /** One line per record: time, level, logger, message. */
    private static final String LOG_FORMAT = "%1$tF %1$tT,%1$tL %4$-7s [%3$s] %5$s%6$s%n";
    /** Held here: the JDK's logging keeps only weak references, and a collected logger forgets its level. */
    private static final Logger KAFKA = Logger.getLogger("org.apache.kafka");
    private static final Logger KAFKA_NETWORK = Logger.getLogger("org.apache.kafka.clients.NetworkClient");
    private static final Logger LOG = Logger.getLogger(AgentMain.class.getName());

    /** Whether SIGTERM (or a restart) stops the agent already; a restart never swallows a SIGTERM. */
    private static boolean stopping;

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
        AgentSettings settings = config.settings();
        CompletableFuture<Agent> started = new CompletableFuture<>();
        GatewayRoleLoss.Listener gatewayRoleLoss = restartWhenGatewayRoleGoes(settings, started);
        Agent agent;
        try {
            agent = new Agent(config, gatewayRoleLoss);
        } catch (IOException e) { // a port taken, a file unreadable: the message says which
            System.err.println("corvus agent: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        started.complete(agent);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("agent-shutdown").unstarted(() -> {
            synchronized (AgentMain.class) {
                stopping = true;
            }
            agent.close();
            stopped.countDown();
        }));
        LOG.info(() -> "agent of node " + settings.nodeName() + " in cluster " + settings.clusterId() + " started; health on :"
                + agent.healthPort() + ", metrics on :" + agent.metricsPort());
        stopped.await();
    }

    /**
     * What the agent does when its node's last gateway role goes: a restart in place once the role
     * stayed gone for the grace, unless the settings say no.
     */
    private static GatewayRoleLoss.Listener restartWhenGatewayRoleGoes(AgentSettings settings, CompletableFuture<Agent> started) {
        if (!settings.restartWhenGatewayRoleGoes()) {
            return GatewayRoleLoss.Listener.IGNORED;
        }
        return new RestartWhenRoleGone(settings.restartAfterGatewayRoleGoneFor(), () -> restartInPlace(settings, started.join()));
    }

    /**
     * Prepares the native calls only now: a member never pays for them (240 classes). If this system
     * cannot restart a process in place, the agent goes on as it is, with what the role loaded.
     */
    private static void restartInPlace(AgentSettings settings, Agent agent) {
        InPlaceRestart restart;
        try {
            restart = InPlaceRestart.prepare();
        } catch (IOException | RuntimeException e) {
            LOG.warning(() -> "node " + settings.nodeName() + " holds no gateway role any more, and the agent cannot restart in place "
                    + "to give back what the role loaded: " + e.getMessage());
            return;
        }
        LOG.info(() -> "node " + settings.nodeName() + " holds no gateway role any more: the agent stops and starts afresh in process "
                + ProcessHandle.current().pid() + ", without what the role loaded");
        agent.close();
        synchronized (AgentMain.class) {
            if (stopping) {
                return;
            }
            try {
                restart.exec();
            } catch (IOException e) {
                LOG.severe(() -> "the agent stopped to restart in place and cannot: " + e.getMessage()
                        + "; it exits with status 1 for its supervisor to start it again");
                Runtime.getRuntime().halt(1);
            }
        }
    }

    /** The JDK's logging, where the Kafka client (through SLF4J) and the agent's own loggers write. */
    private static void configureLogging() {
        System.setProperty("java.util.logging.SimpleFormatter.format", LOG_FORMAT);
        KAFKA.setLevel(Level.WARNING);
        KAFKA_NETWORK.setLevel(Level.SEVERE);
    }
}
