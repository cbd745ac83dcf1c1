package io.corvus.provisioner.app;

import io.corvus.events.payload.CloudState;
import io.corvus.provisioner.domain.CloudAction;
import io.corvus.provisioner.domain.DesiredCloud;
import io.corvus.provisioner.domain.ObservedCloud;

/**
 * A cloud the provisioner can reconcile: {@code local} (embedded) or {@code aliyun}. Observing
 * finds a cluster's resources, by the ids recorded last, then by ownership tag, then by name;
 * executing makes one change. Both are told the cluster's desired state, which carries its
 * name, region and network.
 */
public interface CloudProvider {

    /** The name a configuration's {@code cloud.provider} selects. */
    String name();

    /** @param recorded the resources recorded on corvus.cloud-state.v1, or null when none were */
    ObservedCloud observe(DesiredCloud cluster, CloudState recorded) throws CloudException;

    void execute(DesiredCloud cluster, CloudAction action) throws CloudException;
}
