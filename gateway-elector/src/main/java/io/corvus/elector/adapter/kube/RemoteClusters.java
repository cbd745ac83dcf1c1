package io.corvus.elector.adapter.kube;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.corvus.elector.app.ElectionLoop;
import io.corvus.elector.app.NodeReports;
import io.corvus.events.EventKey;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * One control plane, many clusters: each Secret labelled {@code corvus.io/kubeconfig=true} in the
 * elector's namespace holds a kubeconfig (data key {@code kubeconfig}) for the cluster named by its
 * annotation {@code corvus.io/cluster-id}. The elector follows that cluster's Nodes and answers
 * its agents' certificate requests, with informers of its own, and stops when the Secret goes away.
 */
@Singleton
public class RemoteClusters implements ResourceEventHandler<Secret> {

    static final String LABEL = "corvus.io/kubeconfig";
    static final String CLUSTER_ID_ANNOTATION = "corvus.io/cluster-id";
    static final String DATA_KEY = "kubeconfig";
    private static final Logger LOG = Logger.getLogger(RemoteClusters.class);

    private record Followed(String resourceVersion, KubernetesClient client, FollowedCluster cluster) {
    }

    private final Instance<KubernetesClient> client;
    private final KubernetesSettings settings;
    private final NodeReports sources;
    private final ClusterAuthorities authorities;
    private final ElectionLoop loop;
    private final Map<String, Followed> followed = new ConcurrentHashMap<>();
    private SharedIndexInformer<Secret> secrets;

    RemoteClusters(Instance<KubernetesClient> client, KubernetesSettings settings, NodeReports sources, ClusterAuthorities authorities,
            ElectionLoop loop) {
        this.client = client;
        this.settings = settings;
        this.sources = sources;
        this.authorities = authorities;
        this.loop = loop;
    }

    void start(@Observes StartupEvent startup) {
        if (settings.clusterId().isPresent()) {
            secrets = client.get().secrets().withLabel(LABEL, "true").inform(this, 60_000);
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (secrets != null) {
            secrets.close();
        }
        followed.keySet().forEach(this::unfollow);
    }

    @Override
    public void onAdd(Secret secret) {
        follow(secret);
    }

    @Override
    public void onUpdate(Secret before, Secret after) {
        follow(after);
    }

    @Override
    public void onDelete(Secret secret, boolean finalStateUnknown) {
        clusterIdOf(secret).ifPresent(this::unfollow);
    }

    private void follow(Secret secret) {
        var clusterId = clusterIdOf(secret);
        if (clusterId.isEmpty()) {
            return;
        }
        Followed current = followed.get(clusterId.get());
        if (current != null && current.resourceVersion().equals(secret.getMetadata().getResourceVersion())) {
            return;
        }
        unfollow(clusterId.get());
        String encoded = secret.getData() == null ? null : secret.getData().get(DATA_KEY);
        if (encoded == null) {
            LOG.warnf("Secret %s has no data key %s; cluster %s is not followed", secret.getMetadata().getName(), DATA_KEY,
                    clusterId.get());
            return;
        }
        try {
            Config config = Config.fromKubeconfig(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
            KubernetesClient remote = new KubernetesClientBuilder().withConfig(config).build();
            String id = clusterId.get();
            followed.put(id, new Followed(secret.getMetadata().getResourceVersion(), remote,
                    FollowedCluster.start(id, remote, sources, authorities, loop.queue()::owns)));
            LOG.infof("following the Nodes and the agents' certificate requests of cluster %s (kubeconfig from Secret %s)", id,
                    secret.getMetadata().getName());
        } catch (RuntimeException e) {
            LOG.warnf("cannot follow cluster %s from Secret %s: %s", clusterId.get(), secret.getMetadata().getName(), e.getMessage());
        }
    }

    private void unfollow(String clusterId) {
        Followed gone = followed.remove(clusterId);
        if (gone != null) {
            gone.cluster().close();
            gone.client().close();
        }
    }

    private static Optional<String> clusterIdOf(Secret secret) {
        var annotations = secret.getMetadata().getAnnotations();
        String clusterId = annotations == null ? null : annotations.get(CLUSTER_ID_ANNOTATION);
        if (!EventKey.isValidClusterId(clusterId)) {
            LOG.warnf("Secret %s: annotation %s must name the cluster (a DNS-1123 label), got '%s'",
                    secret.getMetadata().getName(), CLUSTER_ID_ANNOTATION, clusterId);
            return Optional.empty();
        }
        return Optional.of(clusterId);
    }
}
