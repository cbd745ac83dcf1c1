package io.corvus.elector.adapter.kube;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.corvus.pki.ClusterCa;
import io.corvus.pki.NodeRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import org.jboss.logging.Logger;

/**
 * The signer {@code corvus.io/agent} of one cluster: each agent's CertificateSigningRequest is
 * approved and signed with the cluster's Corvus CA when the request is what an agent of that
 * cluster would send, and denied with the reason otherwise. An agent's request: from the agent's
 * service account, for a Node of this cluster (CN) and this cluster (OU), signed by the key it
 * certifies, for TLS client and server use only. Signed by the replica that owns the cluster.
 */
final class AgentCertificateSigner implements ResourceEventHandler<CertificateSigningRequest> {

    static final String SIGNER = "corvus.io/agent";
    /** The chart's agent service account: {@code <release>-agent}, where the release's name is or ends in corvus. */
    static final Pattern AGENT_ACCOUNT = Pattern.compile("system:serviceaccount:[a-z0-9-]+:([a-z0-9-]+-)?corvus-agent");
    private static final Set<String> USAGES = Set.of("digital signature", "key encipherment", "client auth", "server auth");
    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final Logger LOG = Logger.getLogger(AgentCertificateSigner.class);

    private final String clusterId;
    private final KubernetesClient cluster;
    private final ClusterAuthorities authorities;
    private final Predicate<String> owned;

    /** @param owned whether this replica owns a cluster now: the one that does signs */
    AgentCertificateSigner(String clusterId, KubernetesClient cluster, ClusterAuthorities authorities, Predicate<String> owned) {
        this.clusterId = clusterId;
        this.cluster = cluster;
        this.authorities = authorities;
        this.owned = owned;
    }

    @Override
    public void onAdd(CertificateSigningRequest request) {
        handle(request);
    }

    @Override
    public void onUpdate(CertificateSigningRequest before, CertificateSigningRequest after) {
        handle(after);
    }

    @Override
    public void onDelete(CertificateSigningRequest request, boolean finalStateUnknown) {
        // nothing to undo: a certificate once issued stays valid until it expires
    }

    void handle(CertificateSigningRequest request) {
        if (!SIGNER.equals(request.getSpec().getSignerName()) || decided(request) || !owned.test(clusterId)) {
            return;
        }
        String name = request.getMetadata().getName();
        try {
            NodeRequest node = NodeRequest.parse(new String(Base64.getDecoder().decode(request.getSpec().getRequest()),
                    StandardCharsets.US_ASCII));
            String refusal = refusal(request, node);
            if (refusal != null) {
                conclude(name, condition("Denied", "NotAnAgentOfThisCluster", refusal), null);
                LOG.warnf("cluster %s: denied CertificateSigningRequest %s: %s", clusterId, name, refusal);
                return;
            }
            ClusterCa ca = authorities.of(clusterId);
            X509Certificate certificate = ca.sign(node, VALIDITY);
            if (!approved(request)) { // approved already when a replica stopped between approving and signing
                conclude(name, condition("Approved", "CorvusAgentNode", "node " + node.nodeName() + " of cluster " + clusterId), null);
            }
            conclude(name, null, ClusterCa.Pem.certificateText(certificate) + ca.certificatePem());
            LOG.infof("cluster %s: signed the certificate of node %s (CertificateSigningRequest %s)", clusterId, node.nodeName(), name);
        } catch (IllegalArgumentException malformed) {
            conclude(name, condition("Denied", "MalformedRequest", malformed.getMessage()), null);
            LOG.warnf("cluster %s: denied CertificateSigningRequest %s: %s", clusterId, name, malformed.getMessage());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) { // 409: another replica answered it first
                LOG.warnf("cluster %s: cannot answer CertificateSigningRequest %s: %s", clusterId, name, e.getMessage());
            }
        }
    }

    /** Why the request is not an agent's of this cluster; null when it is. */
    private String refusal(CertificateSigningRequest request, NodeRequest node) {
        String requester = request.getSpec().getUsername();
        if (requester == null || !AGENT_ACCOUNT.matcher(requester).matches()) {
            return "requested by " + requester + ", not by Corvus's agent service account";
        }
        if (!clusterId.equals(node.clusterId())) {
            return "the request is for cluster " + node.clusterId() + ", it was made in cluster " + clusterId;
        }
        if (cluster.nodes().withName(node.nodeName()).get() == null) {
            return "cluster " + clusterId + " has no node " + node.nodeName();
        }
        List<String> usages = request.getSpec().getUsages() == null ? List.of() : request.getSpec().getUsages();
        if (!USAGES.containsAll(usages)) {
            return "usages " + usages + " go beyond " + USAGES;
        }
        return null;
    }

    /** Approves or denies (a condition), or issues (the certificate chain: the node's, then the CA). */
    private void conclude(String name, CertificateSigningRequestCondition condition, String chain) {
        var requests = cluster.certificates().v1().certificateSigningRequests();
        if (condition == null) {
            CertificateSigningRequest approved = requests.withName(name).get();
            approved.setStatus(new CertificateSigningRequestStatusBuilder(approved.getStatus()).withCertificate(Base64.getEncoder()
                    .encodeToString(chain.getBytes(StandardCharsets.US_ASCII))).build());
            requests.resource(approved).updateStatus();
        } else if ("Approved".equals(condition.getType())) {
            requests.withName(name).approve(condition);
        } else {
            requests.withName(name).deny(condition);
        }
    }

    private static CertificateSigningRequestCondition condition(String type, String reason, String message) {
        return new CertificateSigningRequestConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
                .build();
    }

    private static boolean approved(CertificateSigningRequest request) {
        var status = request.getStatus();
        return status != null && status.getConditions() != null && status.getConditions().stream().anyMatch(c -> "Approved".equals(c.getType()));
    }

    private static boolean decided(CertificateSigningRequest request) {
        var status = request.getStatus();
        return status != null && ((status.getCertificate() != null && !status.getCertificate().isEmpty())
                || status.getConditions() != null && status.getConditions().stream()
                        .anyMatch(c -> Set.of("Denied", "Failed").contains(c.getType())));
    }
}
