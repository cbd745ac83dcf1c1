package io.corvus.elector.adapter.kube;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.corvus.pki.ClusterCa;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Each cluster's Corvus CA, kept in a Secret {@code corvus-ca-<clusterId>} of the elector's
 * namespace on the platform cluster (its key lives there and nowhere else) and made on first
 * need. Two replicas making it at once: the one whose create lost reads the other's.
 */
@Singleton
public class ClusterAuthorities {

    static final String SECRET_PREFIX = "corvus-ca-";
    private static final Logger LOG = Logger.getLogger(ClusterAuthorities.class);
    private static final Duration VALIDITY = Duration.ofDays(3650);

    private final Instance<KubernetesClient> platform;
    private final Map<String, ClusterCa> known = new ConcurrentHashMap<>();

    ClusterAuthorities(Instance<KubernetesClient> platform) {
        this.platform = platform;
    }

    ClusterCa of(String clusterId) {
        return known.computeIfAbsent(clusterId, this::loadOrCreate);
    }

    private ClusterCa loadOrCreate(String clusterId) {
        KubernetesClient client = platform.get();
        String name = SECRET_PREFIX + clusterId;
        Secret kept = client.secrets().withName(name).get();
        if (kept != null) {
            return fromSecret(kept);
        }
        ClusterCa made = ClusterCa.create(clusterId, VALIDITY);
        try {
            client.secrets().resource(new SecretBuilder().withNewMetadata().withName(name)
                    .addToLabels("app.kubernetes.io/name", "corvus").addToLabels("app.kubernetes.io/component", "cluster-ca").endMetadata()
                    .addToData("ca.crt", base64(made.certificatePem())).addToData("ca.key", base64(made.keyPem())).build()).create();
            LOG.infof("made the Corvus CA of cluster %s (Secret %s)", clusterId, name);
            return made;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            return fromSecret(client.secrets().withName(name).get()); // another replica made it first
        }
    }

    private static ClusterCa fromSecret(Secret secret) {
        return ClusterCa.fromPem(text(secret.getData().get("ca.crt")), text(secret.getData().get("ca.key")));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String text(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
    }
}
