package io.corvus.events.payload;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * One step of provisioning a cluster's cloud side ({@code corvus.provisioning.v1}, key
 * {@code clusterId}), for people and tools that follow it.
 *
 * @param configRevision the configuration revision being provisioned
 * @param reason         why a step is degraded or failed (a cloud error code, say)
 * @param nextRetryAt    when a degraded step is tried again
 * @param resources      the cloud resource ids known after this step
 */
public record ProvisioningStep(
        String clusterId,
        long configRevision,
        Step step,
        Instant at,
        String message,
        String reason,
        Instant nextRetryAt,
        Map<String, String> resources) implements CorvusEvent {

    public enum Step {
        REQUESTED, EIP_ALLOCATED, LB_READY, LISTENERS_READY, ACL_APPLIED, BACKENDS_UPDATED, READY, DEGRADED, FAILED,
        RELEASED;

        /** The name on the wire and in logs: {@code eip-allocated}. */
        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        @JsonCreator
        public static Step fromWireName(String wireName) {
            for (Step step : values()) {
                if (step.wireName().equals(wireName)) {
                    return step;
                }
            }
            throw new IllegalArgumentException("unknown provisioning step '" + wireName + "'");
        }
    }

    public ProvisioningStep {
        Checks.clusterId(clusterId);
        Checks.atLeast(configRevision, 0, "configRevision");
        Checks.present(step, "step");
        Checks.present(at, "at");
        Checks.present(message, "message");
        resources = Checks.map(resources);
    }

    @Override
    public String recordKey() {
        return clusterId;
    }
}
