package io.corvus.provisioner.adapter.kube;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** The Kubernetes cluster the provisioner runs in. */
@ConfigMapping(prefix = "corvus.provisioner.kubernetes")
public interface KubernetesSettings {

    /** The cluster the provisioner runs in: its raven-cfg is the ConfigMap kube-system/raven-cfg. */
    Optional<String> clusterId();
}
