package io.corvus.elector.adapter.kube;

import java.time.Instant;
import java.util.Optional;

import io.corvus.elector.app.ElectionLoop;
import io.corvus.elector.app.TopologyListener;
import io.corvus.events.payload.GatewayTopology;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Makes elections visible in Kubernetes: an Event on the Node when it becomes an active endpoint
 * ({@code ActiveEndpointElected}) or stops being one ({@code ActiveEndpointLost}), as Raven names
 * them, with the reason the topology gives. Only for the cluster the elector runs in ({@code corvus.elector.kubernetes.cluster-id}).
 */
@Singleton
public class NodeRoleEvents implements TopologyListener {

    private static final Logger LOG = Logger.getLogger(NodeRoleEvents.class);

    private final Instance<KubernetesClient> client;
    private final Optional<String> clusterId;

    NodeRoleEvents(Instance<KubernetesClient> client, KubernetesSettings settings) {
        this.client = client;
        this.clusterId = settings.clusterId();
    }

    @Override
    public void published(GatewayTopology previous, GatewayTopology next) {
        if (clusterId.isEmpty() || !clusterId.get().equals(next.clusterId())) {
            return;
        }
        for (GatewayTopology.EndpointChange change : next.changes()) {
            event(change.nodeName(), change.added() ? "ActiveEndpointElected" : "ActiveEndpointLost",
                    ElectionLoop.describe(change) + " of gateway " + next.gatewayName() + " (generation " + next.generation() + ")");
        }
    }

    private void event(String node, String reason, String message) {
        String now = Instant.now().toString();
        try {
            client.get().v1().events().inNamespace("default").resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(node + "-").withNamespace("default").endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder().withKind("Node").withApiVersion("v1").withName(node).build())
                    .withReason(reason).withType("Normal").withMessage(message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent("corvus-gateway-elector").endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("cannot record %s on node %s: %s", reason, node, e.getMessage());
        }
    }
}
