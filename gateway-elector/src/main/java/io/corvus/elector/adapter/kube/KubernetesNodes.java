package io.corvus.elector.adapter.kube;

import java.util.List;
import java.util.Optional;

import io.corvus.elector.adapter.inventory.NodeSources;
import io.corvus.elector.app.NodeInventory;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import io.corvus.elector.boot.ElectorSettings;
import org.jboss.logging.Logger;

/**
 * The nodes of the cluster the elector runs in, through a fabric8 informer, as cluster
 * {@code corvus.elector.kubernetes.cluster-id}. Off when that is not set (the local run uses the
 * static inventory instead).
 */
@Singleton
public class KubernetesNodes implements ResourceEventHandler<Node> {

    private static final Logger LOG = Logger.getLogger(KubernetesNodes.class);

    private final Instance<KubernetesClient> client;
    private final Optional<String> clusterId;
    private final NodeSources sources;
    private SharedIndexInformer<Node> informer;

    KubernetesNodes(Instance<KubernetesClient> client,
            ElectorSettings settings, NodeSources sources) {
        this.client = client;
        this.clusterId = settings.kubernetes().clusterId();
        this.sources = sources;
    }

    void start(@Observes StartupEvent startup) {
        if (clusterId.isPresent()) {
            informer = client.get().nodes().inform(this, 60_000);
            LOG.infof("following the Nodes of this Kubernetes cluster as cluster %s", clusterId.get());
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (informer != null) {
            informer.close();
        }
    }

    @Override
    public void onAdd(Node node) {
        sources.upsert(sourceNode(clusterId.orElseThrow(), node));
    }

    @Override
    public void onUpdate(Node before, Node after) {
        sources.upsert(sourceNode(clusterId.orElseThrow(), after));
    }

    @Override
    public void onDelete(Node node, boolean finalStateUnknown) {
        sources.remove(clusterId.orElseThrow(), node.getMetadata().getName());
    }

    static NodeInventory.SourceNode sourceNode(String clusterId, Node node) {
        var status = node.getStatus();
        boolean ready = status != null && status.getConditions() != null && status.getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        List<NodeAddress> addresses = status == null || status.getAddresses() == null ? List.of() : status.getAddresses();
        var spec = node.getSpec();
        List<String> podCidrs = spec == null ? List.of()
                : spec.getPodCIDRs() != null && !spec.getPodCIDRs().isEmpty() ? spec.getPodCIDRs()
                : spec.getPodCIDR() != null ? List.of(spec.getPodCIDR()) : List.of();
        return new NodeInventory.SourceNode(clusterId, node.getMetadata().getName(), node.getMetadata().getLabels(), ready,
                addressesOf(addresses, "InternalIP"), addressesOf(addresses, "ExternalIP"), podCidrs);
    }

    private static List<String> addressesOf(List<NodeAddress> addresses, String type) {
        return addresses.stream().filter(a -> type.equals(a.getType())).map(NodeAddress::getAddress).toList();
    }
}
