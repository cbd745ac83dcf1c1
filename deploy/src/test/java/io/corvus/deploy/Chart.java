package io.corvus.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

/** The chart in helm/corvus, rendered by the real Helm engine (helm-java) into the objects it would install. */
final class Chart {

    static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    static final Path PATH = HOME.resolve("helm/corvus");
    static final String RELEASE = "corvus";
    static final String NAMESPACE = "corvus-system";
    private static final YAMLMapper YAML = new YAMLMapper();

    private Chart() {
    }

    /** The rendered objects for these values (--set style keys), in the order Helm printed them. */
    static List<JsonNode> render(Map<String, String> values) {
        TemplateCommand template = new Helm(PATH).template().withName(RELEASE).withNamespace(NAMESPACE);
        values.forEach(template::set);
        String rendered = template.call();
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(rendered)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    objects.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Helm rendered something that is not YAML:\n" + rendered, e);
        }
        return objects;
    }

    /** The object of that kind and name, if the chart rendered one. */
    static Optional<JsonNode> find(List<JsonNode> objects, String kind, String name) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.at("/metadata/name").asText()))
                .findFirst();
    }

    static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    /** The container's environment as name to value ("secret:NAME/KEY" for a value from a Secret). */
    static Map<String, String> environment(JsonNode container) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (JsonNode variable : container.path("env")) {
            JsonNode secret = variable.at("/valueFrom/secretKeyRef");
            JsonNode field = variable.at("/valueFrom/fieldRef");
            environment.put(variable.path("name").asText(), !secret.isMissingNode()
                    ? "secret:" + secret.path("name").asText() + "/" + secret.path("key").asText()
                    : !field.isMissingNode() ? "field:" + field.path("fieldPath").asText() : variable.path("value").asText());
        }
        return environment;
    }

    /** The first container of a Deployment's, DaemonSet's or StatefulSet's pods. */
    static JsonNode container(JsonNode workload) {
        return workload.at("/spec/template/spec/containers/0");
    }
}
