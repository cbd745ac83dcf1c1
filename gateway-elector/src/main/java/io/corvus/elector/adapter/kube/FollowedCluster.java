package io.corvus.elector.adapter.kube;

import java.util.function.Predicate;

import io.corvus.elector.app.NodeReports;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/** What the elector follows in one cluster: its Nodes, and its agents' certificate requests, which it answers. */
final class FollowedCluster implements AutoCloseable {

    private static final long RESYNC_MILLIS = 60_000;

    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<CertificateSigningRequest> requests;

    private FollowedCluster(SharedIndexInformer<Node> nodes, SharedIndexInformer<CertificateSigningRequest> requests) {
        this.nodes = nodes;
        this.requests = requests;
    }

    /** @param owned whether this replica owns a cluster now (it answers the requests of those it owns; the resync retries) */
    static FollowedCluster start(String clusterId, KubernetesClient cluster, NodeReports sources, ClusterAuthorities authorities,
            Predicate<String> owned) {
        SharedIndexInformer<Node> nodes = cluster.nodes().inform(new NodeHandler(clusterId, sources), RESYNC_MILLIS);
        SharedIndexInformer<CertificateSigningRequest> requests = cluster.certificates().v1().certificateSigningRequests()
                .inform(new AgentCertificateSigner(clusterId, cluster, authorities, owned), RESYNC_MILLIS);
        return new FollowedCluster(nodes, requests);
    }

    @Override
    public void close() {
        requests.close();
        nodes.close();
    }
}
