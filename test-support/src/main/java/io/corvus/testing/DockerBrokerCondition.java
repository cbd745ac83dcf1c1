package io.corvus.testing;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips the integration tests ({@code *IT}: those that need a broker), with a message saying why, when the {@code docker-kafka} profile asks for the
 * Kafka image but no Docker engine answers. Registered by JUnit's extension auto-detection, which
 * only that profile switches on.
 */
public final class DockerBrokerCondition implements ExecutionCondition {

    private static final String NO_DOCKER = "profile docker-kafka: no Docker engine is reachable, so the integration tests against "
            + DockerKafkaBroker.IMAGE + " are skipped (run without -Pdocker-kafka to use the in-JVM KRaft broker)";
    private static final AtomicBoolean SAID_SO = new AtomicBoolean();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean needsBroker = context.getTestClass().map(c -> c.getSimpleName().endsWith("IT")).orElse(false);
        if (!TestBrokers.dockerRequested() || !needsBroker) {
            return ConditionEvaluationResult.enabled("needs no Docker");
        }
        if (DockerKafkaBroker.dockerAvailable()) {
            return ConditionEvaluationResult.enabled("Docker engine available for " + DockerKafkaBroker.IMAGE);
        }
        if (SAID_SO.compareAndSet(false, true)) {
            System.err.println("[corvus] " + NO_DOCKER);
        }
        return ConditionEvaluationResult.disabled(NO_DOCKER);
    }
}
