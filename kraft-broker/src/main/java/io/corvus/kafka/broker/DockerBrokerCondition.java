package io.corvus.kafka.broker;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips the tests, with a message saying why, when the {@code docker-kafka} profile asks for the
 * Kafka image but no Docker engine answers. Registered by JUnit's extension auto-detection, which
 * only that profile switches on.
 */
public final class DockerBrokerCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (!TestBrokers.dockerRequested()) {
            return ConditionEvaluationResult.enabled("in-JVM KRaft broker");
        }
        return DockerKafkaBroker.dockerAvailable()
                ? ConditionEvaluationResult.enabled("Docker engine available for " + DockerKafkaBroker.IMAGE)
                : ConditionEvaluationResult.disabled("profile docker-kafka: no Docker engine is reachable, so the tests against "
                        + DockerKafkaBroker.IMAGE + " are skipped (run without -Pdocker-kafka to use the in-JVM KRaft broker)");
    }
}
