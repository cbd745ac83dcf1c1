package io.corvus.provisioner.app;

import io.corvus.provisioner.domain.CloudAction;
import io.corvus.provisioner.domain.ObservedCloud;

/**
 * A cloud the provisioner can reconcile: {@code local} (embedded) or {@code aliyun}. Observing
 * finds a cluster's resources (by stored id, then by ownership tag, then by name); executing makes
 * one call. Failures are exceptions whose message says what the cloud answered.
 */
public interface CloudProvider {

    /** The name a configuration's {@code cloud.provider} selects. */
    String name();

    ObservedCloud observe(String clusterId);

    void execute(String clusterId, CloudAction action);
}
