package io.corvus.provisioner.adapter.kube;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.corvus.events.Raven;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

/**
 * ConfigMap {@code kube-system/raven-cfg}: written through the Kubernetes API for the cluster the
 * provisioner runs in, and as a manifest file in a run without Kubernetes (the local run).
 */
@Singleton
public class RavenCfg {

    static final String NAMESPACE = Raven.RAVEN_CFG_NAMESPACE;
    static final String NAME = Raven.RAVEN_CFG_NAME;

    private final Instance<KubernetesClient> client;
    private final Optional<String> inClusterId;
    private final Optional<String> manifestDir;

    public RavenCfg(Instance<KubernetesClient> client, KubernetesSettings kubernetes, RavenCfgSettings settings) {
        this.client = client;
        this.inClusterId = kubernetes.clusterId();
        this.manifestDir = settings.dir();
    }

    public void write(String clusterId, Map<String, String> data) throws IOException {
        ConfigMap configMap = new ConfigMapBuilder().withNewMetadata().withName(NAME).withNamespace(NAMESPACE)
                .addToLabels("app.kubernetes.io/managed-by", "corvus").addToAnnotations("corvus.io/cluster-id", clusterId)
                .endMetadata().withData(new TreeMap<>(data)).build();
        if (inClusterId.isPresent() && inClusterId.get().equals(clusterId)) {
            client.get().configMaps().inNamespace(NAMESPACE).resource(configMap).createOr(NonDeletingOperation::update);
        }
        if (manifestDir.isPresent()) {
            Path file = Path.of(manifestDir.get()).resolve(clusterId + "-raven-cfg.yaml");
            Files.createDirectories(file.getParent());
            Files.writeString(file, io.fabric8.kubernetes.client.utils.Serialization.asYaml(configMap));
        }
    }
}
