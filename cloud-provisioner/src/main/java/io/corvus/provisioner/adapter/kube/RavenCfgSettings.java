package io.corvus.provisioner.adapter.kube;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Where ConfigMap raven-cfg is written in a run without Kubernetes. */
@ConfigMapping(prefix = "corvus.provisioner.raven-cfg")
public interface RavenCfgSettings {

    /** A folder for raven-cfg manifests, one file per cluster (the local run). */
    Optional<String> dir();
}
