package io.corvus.provisioner.boot;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the provisioner runs. */
@ConfigMapping(prefix = "corvus.provisioner")
public interface ProvisionerSettings {

    /** How often owned clusters are checked for work and due retries. */
    @WithDefault("500ms")
    Duration tick();

    /** Where raven-cfg manifests are written in a run without Kubernetes (one file per cluster). */
    Optional<String> ravenCfgDir();

    Kubernetes kubernetes();

    interface Kubernetes {
        /** The cluster the provisioner runs in: its raven-cfg is the ConfigMap kube-system/raven-cfg. */
        Optional<String> clusterId();
    }
}
