package io.corvus.elector.adapter.kube;

import java.util.Optional;

import io.corvus.elector.app.NodeReports;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The nodes of the cluster the elector runs in, through a fabric8 informer, as cluster
 * {@code corvus.elector.kubernetes.cluster-id}. Off when that is not set (the local run uses the
 * static inventory instead).
 */
@Singleton
public class KubernetesNodes {

    private static final Logger LOG = Logger.getLogger(KubernetesNodes.class);

    private final Instance<KubernetesClient> client;
    private final Optional<String> clusterId;
    private final NodeReports sources;
    private SharedIndexInformer<Node> informer;

    KubernetesNodes(Instance<KubernetesClient> client, KubernetesSettings settings, NodeReports sources) {
        this.client = client;
        this.clusterId = settings.clusterId();
        this.sources = sources;
    }

    void start(@Observes StartupEvent startup) {
        clusterId.ifPresent(id -> {
            informer = client.get().nodes().inform(new NodeHandler(id, sources), 60_000);
            LOG.infof("following the Nodes of this Kubernetes cluster as cluster %s", id);
        });
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (informer != null) {
            informer.close();
        }
    }
}
