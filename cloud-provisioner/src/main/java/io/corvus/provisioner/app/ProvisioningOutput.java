package io.corvus.provisioner.app;

import java.util.Map;

import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ProvisioningStep;

/** Where the provisioner reports: step events, the current resources, and ConfigMap raven-cfg. */
public interface ProvisioningOutput {

    void step(ProvisioningStep step) throws Exception;

    void cloudState(CloudState state) throws Exception;

    /** The eight keys of {@code kube-system/raven-cfg}. */
    void ravenConfig(String clusterId, Map<String, String> data) throws Exception;
}
