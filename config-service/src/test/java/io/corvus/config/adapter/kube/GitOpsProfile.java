package io.corvus.config.adapter.kube;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** config-service with its ConfigMap intake on, watching namespace {@code corvus-test}. */
public class GitOpsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("corvus.gitops.enabled", "true", "corvus.gitops.namespace", "corvus-test");
    }
}
