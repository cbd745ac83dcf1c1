package io.corvus.provisioner.adapter.kafka;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The provisioner running inside Kubernetes cluster {@code p1}: raven-cfg is a ConfigMap there. */
public class InClusterProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("corvus.provisioner.kubernetes.cluster-id", "p1");
    }
}
