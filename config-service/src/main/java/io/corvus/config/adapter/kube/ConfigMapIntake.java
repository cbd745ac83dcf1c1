package io.corvus.config.adapter.kube;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.corvus.config.app.ConfigLog;
import io.corvus.config.app.ConfigProblem;
import io.corvus.config.app.ConfigService;
import io.corvus.config.domain.Violation;
import io.corvus.events.payload.ConfigChanged;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * GitOps input: ConfigMaps labelled {@code corvus.io/network-config=true} in the watched
 * namespace carry a configuration in {@code config.yaml} (the API's document, as YAML). Each
 * new content is validated and published like a PUT (the ConfigMap is the source of truth, so it
 * is based on the current revision), and the outcome is written back: annotations on the
 * ConfigMap and a Kubernetes Event. The cluster id is the annotation {@code corvus.io/cluster-id},
 * or the ConfigMap's name. Deleting the ConfigMap does not delete the configuration: releasing a
 * cluster's cloud resources takes an explicit DELETE.
 */
@Singleton
public class ConfigMapIntake implements ResourceEventHandler<ConfigMap> {

    static final String LABEL = "corvus.io/network-config";
    static final String DATA_KEY = "config.yaml";
    static final String CLUSTER_ID_ANNOTATION = "corvus.io/cluster-id";
    static final String STATUS_ANNOTATION = "corvus.io/status";
    static final String REVISION_ANNOTATION = "corvus.io/revision";
    static final String HASH_ANNOTATION = "corvus.io/observed-hash";
    private static final int MAX_ANNOTATION_LENGTH = 1024;
    private static final Logger LOG = Logger.getLogger(ConfigMapIntake.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final ConfigService service;
    private final Instance<KubernetesClient> client;
    private final boolean enabled;
    private final Optional<String> namespace;
    private SharedIndexInformer<ConfigMap> informer;

    ConfigMapIntake(ConfigService service, Instance<KubernetesClient> client,
            @ConfigProperty(name = "corvus.gitops.enabled") boolean enabled,
            @ConfigProperty(name = "corvus.gitops.namespace") Optional<String> namespace) {
        this.service = service;
        this.client = client;
        this.enabled = enabled;
        this.namespace = namespace;
    }

    void start(@Observes StartupEvent startup) {
        if (!enabled) {
            return;
        }
        KubernetesClient kubernetes = client.get();
        String watched = namespace.orElseGet(kubernetes::getNamespace);
        informer = kubernetes.configMaps().inNamespace(watched).withLabel(LABEL, "true").inform(this, 30_000);
        LOG.infof("following ConfigMaps labelled %s=true in namespace %s", LABEL, watched);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (informer != null) {
            informer.close();
        }
    }

    @Override
    public void onAdd(ConfigMap configMap) {
        intake(configMap);
    }

    @Override
    public void onUpdate(ConfigMap before, ConfigMap after) {
        intake(after);
    }

    @Override
    public void onDelete(ConfigMap configMap, boolean finalStateUnknown) {
        LOG.infof("ConfigMap %s/%s was deleted; the configuration it published stays until it is deleted through the API",
                configMap.getMetadata().getNamespace(), configMap.getMetadata().getName());
    }

    private void intake(ConfigMap configMap) {
        String content = configMap.getData() == null ? null : configMap.getData().get(DATA_KEY);
        String hash = hash(content);
        Map<String, String> annotations = configMap.getMetadata().getAnnotations();
        if (annotations != null && hash.equals(annotations.get(HASH_ANNOTATION))) {
            return; // this content was handled already (our own annotation update brings it back)
        }
        String clusterId = annotations != null && annotations.containsKey(CLUSTER_ID_ANNOTATION)
                ? annotations.get(CLUSTER_ID_ANNOTATION) : configMap.getMetadata().getName();
        String actor = "configmap:" + configMap.getMetadata().getNamespace() + "/" + configMap.getMetadata().getName();
        try {
            ConfigService.Outcome outcome = publish(clusterId, parse(content), actor);
            String status = "accepted revision " + outcome.current().revision()
                    + (outcome.warnings().isEmpty() ? "" : "; " + String.join("; ", outcome.warnings()));
            report(configMap, hash, status, outcome.current(), "ConfigAccepted", "Normal");
        } catch (ConfigProblem.Invalid invalid) {
            String errors = invalid.violations().stream().map(v -> (v.pointer().isEmpty() ? "" : v.pointer() + ": ") + v.detail())
                    .collect(Collectors.joining("; "));
            report(configMap, hash, "rejected: " + errors, null, "ConfigRejected", "Warning");
        } catch (ConfigProblem | ConfigLog.LogUnavailable notNow) {
            // Not marked as handled: the informer's resync brings the ConfigMap back for another try.
            LOG.warnf("ConfigMap %s: not published yet (%s); will retry", actor, notNow.getMessage());
        }
    }

    /** Based on whatever revision is current: the ConfigMap is the source of truth for its cluster. */
    private ConfigService.Outcome publish(String clusterId, Object document, String actor) {
        for (int attempt = 1; ; attempt++) {
            OptionalLong current = service.get(clusterId).map(c -> OptionalLong.of(c.revision())).orElse(OptionalLong.empty());
            try {
                return service.replace(clusterId, document, current, actor);
            } catch (ConfigProblem.PreconditionFailed | ConfigProblem.PreconditionRequired raced) {
                if (attempt == 3) {
                    throw raced;
                }
            }
        }
    }

    private static Object parse(String content) {
        if (content == null) {
            throw new ConfigProblem.Invalid(List.of(new Violation("", "the ConfigMap has no data key " + DATA_KEY)));
        }
        try {
            Object document = YAML.readValue(content, Object.class);
            return document == null ? Map.of() : document;
        } catch (JsonProcessingException e) {
            throw new ConfigProblem.Invalid(List.of(new Violation("", DATA_KEY + " is not valid YAML: " + e.getOriginalMessage())));
        }
    }

    private void report(ConfigMap configMap, String hash, String status, ConfigChanged revision, String reason, String type) {
        String namespaceOfMap = configMap.getMetadata().getNamespace();
        String name = configMap.getMetadata().getName();
        String shortStatus = status.length() > MAX_ANNOTATION_LENGTH ? status.substring(0, MAX_ANNOTATION_LENGTH - 3) + "..." : status;
        KubernetesClient kubernetes = client.get();
        kubernetes.configMaps().inNamespace(namespaceOfMap).withName(name).edit(current -> {
            Map<String, String> annotations = current.getMetadata().getAnnotations() == null
                    ? new HashMap<>() : new HashMap<>(current.getMetadata().getAnnotations());
            annotations.put(HASH_ANNOTATION, hash);
            annotations.put(STATUS_ANNOTATION, shortStatus);
            if (revision != null) {
                annotations.put(REVISION_ANNOTATION, String.valueOf(revision.revision()));
            }
            current.getMetadata().setAnnotations(annotations);
            return current;
        });
        String now = Instant.now().toString();
        kubernetes.v1().events().inNamespace(namespaceOfMap).resource(new EventBuilder()
                .withNewMetadata().withGenerateName(name + "-").withNamespace(namespaceOfMap).endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder().withKind("ConfigMap").withApiVersion("v1")
                        .withNamespace(namespaceOfMap).withName(name).withUid(configMap.getMetadata().getUid()).build())
                .withReason(reason).withType(type).withMessage(shortStatus)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .withNewSource().withComponent("corvus-config-service").endSource()
                .build()).create();
        LOG.infof("ConfigMap %s/%s: %s", namespaceOfMap, name, shortStatus);
    }

    private static String hash(String content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((content == null ? "" : content).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
