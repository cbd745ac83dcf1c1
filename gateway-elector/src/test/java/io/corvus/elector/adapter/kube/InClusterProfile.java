package io.corvus.elector.adapter.kube;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The elector running inside Kubernetes cluster {@code k1}: informer on, Node events on. */
public class InClusterProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("corvus.elector.kubernetes.cluster-id", "k1");
    }
}
