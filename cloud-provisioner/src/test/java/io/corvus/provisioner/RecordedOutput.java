package io.corvus.provisioner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ProvisioningStep;
import io.corvus.provisioner.app.ProvisioningOutput;

/** What a provisioning loop reported, in order: the topics and raven-cfg of a test. */
public class RecordedOutput implements ProvisioningOutput {

    public final List<ProvisioningStep> steps = new ArrayList<>();
    public final List<CloudState> states = new ArrayList<>();
    public final List<Map<String, String>> ravenCfg = new ArrayList<>();

    @Override
    public void step(ProvisioningStep step) {
        steps.add(step);
    }

    @Override
    public void cloudState(CloudState state) {
        states.add(state);
    }

    @Override
    public void ravenConfig(String clusterId, Map<String, String> data) {
        ravenCfg.add(data);
    }
}
