package io.corvus.elector.adapter.kube;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** The Kubernetes cluster the elector runs in. */
@ConfigMapping(prefix = "corvus.elector.kubernetes")
public interface KubernetesSettings {

    /** The cluster id of the cluster the elector runs in: turns on the Node informer, Node events and remote clusters. */
    Optional<String> clusterId();
}
