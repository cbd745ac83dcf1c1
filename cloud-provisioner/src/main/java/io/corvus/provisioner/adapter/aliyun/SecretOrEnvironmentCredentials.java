package io.corvus.provisioner.adapter.aliyun;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.corvus.provisioner.app.CloudException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Credentials from the Secret {@code NAME-CLUSTERID}, then {@code NAME} (when a Secret name is
 * configured), then the environment variables the Alibaba Cloud SDKs use. Secrets are re-read
 * after a short cache time, so a rotated or fixed key is picked up without a restart.
 */
@Singleton
public class SecretOrEnvironmentCredentials implements CredentialSource {

    static final String ACCESS_KEY_ID = "access-key-id";
    static final String ACCESS_KEY_SECRET = "access-key-secret";
    static final String SECURITY_TOKEN = "security-token";

    private record Cached(AliyunCredentials credentials, Instant until) {
    }

    private final AliyunSettings settings;
    private final Instance<KubernetesClient> kubernetes;
    private final Map<String, String> environment;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    @Inject
    SecretOrEnvironmentCredentials(AliyunSettings settings, Instance<KubernetesClient> kubernetes, Clock clock) {
        this(settings, kubernetes, System.getenv(), clock);
    }

    SecretOrEnvironmentCredentials(AliyunSettings settings, Instance<KubernetesClient> kubernetes,
            Map<String, String> environment, Clock clock) {
        this.settings = settings;
        this.kubernetes = kubernetes;
        this.environment = environment;
        this.clock = clock;
    }

    @Override
    public AliyunCredentials forCluster(String clusterId) throws CloudException {
        Cached cached = cache.get(clusterId);
        if (cached != null && clock.instant().isBefore(cached.until())) {
            return cached.credentials();
        }
        AliyunCredentials found = fromSecrets(clusterId).orElse(null);
        if (found == null) {
            found = fromEnvironment().orElseThrow(() -> new CloudException(CloudException.Kind.CREDENTIALS,
                    "no Alibaba Cloud credentials for cluster " + clusterId + ": " + whereToPutThem(clusterId)));
        }
        cache.put(clusterId, new Cached(found, clock.instant().plus(settings.credentialsCacheTime())));
        return found;
    }

    private Optional<AliyunCredentials> fromSecrets(String clusterId) throws CloudException {
        if (settings.credentialsSecret().isEmpty()) {
            return Optional.empty();
        }
        String name = settings.credentialsSecret().get();
        for (String candidate : new String[] {name + "-" + clusterId, name}) {
            Secret secret;
            try {
                secret = kubernetes.get().secrets().inNamespace(settings.credentialsNamespace()).withName(candidate).get();
            } catch (RuntimeException e) {
                throw new CloudException(CloudException.Kind.CREDENTIALS, "cannot read Secret " + settings.credentialsNamespace()
                        + "/" + candidate + " for cluster " + clusterId + ": " + e.getMessage(), e);
            }
            if (secret != null) {
                return Optional.of(fromSecret(secret));
            }
        }
        return Optional.empty();
    }

    private AliyunCredentials fromSecret(Secret secret) throws CloudException {
        String origin = "Secret " + secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName();
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        Map<String, String> plain = secret.getStringData() == null ? Map.of() : secret.getStringData();
        try {
            return new AliyunCredentials(value(data, plain, ACCESS_KEY_ID), value(data, plain, ACCESS_KEY_SECRET),
                    value(data, plain, SECURITY_TOKEN), origin);
        } catch (IllegalArgumentException e) {
            throw new CloudException(CloudException.Kind.CREDENTIALS, e.getMessage() + " (keys " + ACCESS_KEY_ID + ", "
                    + ACCESS_KEY_SECRET + ", optional " + SECURITY_TOKEN + ")");
        }
    }

    private static String value(Map<String, String> data, Map<String, String> plain, String key) {
        if (data.containsKey(key)) {
            return new String(Base64.getDecoder().decode(data.get(key).trim()), StandardCharsets.UTF_8).trim();
        }
        return plain.get(key);
    }

    private Optional<AliyunCredentials> fromEnvironment() throws CloudException {
        String id = environment.get("ALIBABA_CLOUD_ACCESS_KEY_ID");
        String secret = environment.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
        if (id == null && secret == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new AliyunCredentials(id, secret, environment.get("ALIBABA_CLOUD_SECURITY_TOKEN"), "the environment"));
        } catch (IllegalArgumentException e) {
            throw new CloudException(CloudException.Kind.CREDENTIALS, e.getMessage()
                    + ": set both ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET");
        }
    }

    private String whereToPutThem(String clusterId) {
        String secret = settings.credentialsSecret().map(name -> "create Secret " + settings.credentialsNamespace() + "/"
                + name + "-" + clusterId + " (or " + name + ") with keys " + ACCESS_KEY_ID + " and " + ACCESS_KEY_SECRET
                + ", or ").orElse("configure corvus.provisioner.aliyun.credentials-secret and create that Secret, or ");
        return secret + "set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET in the provisioner's environment";
    }
}
