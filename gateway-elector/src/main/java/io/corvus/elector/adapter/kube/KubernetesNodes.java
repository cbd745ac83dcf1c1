package io.corvus.elector.adapter.kube;

import java.util.Optional;

import io.corvus.elector.app.ElectionLoop;
import io.corvus.elector.app.NodeReports;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The nodes of the cluster the elector runs in, through a fabric8 informer, as cluster
 * {@code corvus.elector.kubernetes.cluster-id}, and its agents' certificate requests. Off when
 * that is not set (the local run uses the static inventory instead).
 */
@Singleton
public class KubernetesNodes {

    private static final Logger LOG = Logger.getLogger(KubernetesNodes.class);

    private final Instance<KubernetesClient> client;
    private final Optional<String> clusterId;
    private final NodeReports sources;
    private final ClusterAuthorities authorities;
    private final ElectionLoop loop;
    private FollowedCluster followed;

    KubernetesNodes(Instance<KubernetesClient> client, KubernetesSettings settings, NodeReports sources, ClusterAuthorities authorities,
            ElectionLoop loop) {
        this.client = client;
        this.clusterId = settings.clusterId();
        this.sources = sources;
        this.authorities = authorities;
        this.loop = loop;
    }

    void start(@Observes StartupEvent startup) {
        clusterId.ifPresent(id -> {
            followed = FollowedCluster.start(id, client.get(), sources, authorities, loop.queue()::owns);
            LOG.infof("following the Nodes and the agents' certificate requests of this Kubernetes cluster as cluster %s", id);
        });
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (followed != null) {
            followed.close();
        }
    }
}
