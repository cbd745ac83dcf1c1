package io.corvus.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

class StrictKubernetesTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                    - name: web
                      image: web:1
                      %s
            """;

    @Test
    void aWellFormedObjectHasNoUnknownField() throws Exception {
        assertThat(StrictKubernetes.unknownFields(yaml(DEPLOYMENT.formatted("ports: [{containerPort: 8080}]")))).isEmpty();
    }

    @Test
    void aMisspeltFieldDeepInsideIsFoundWithItsPath() throws Exception {
        assertThat(StrictKubernetes.unknownFields(yaml(DEPLOYMENT.formatted("port: [{containerPort: 8080}]"))))
                .singleElement().asString().contains("Deployment web", "containers[0]", "unknown [port]");
    }

    @Test
    void aKindNoKubernetesVersionHasIsRefused() throws Exception {
        assertThat(StrictKubernetes.unknownFields(yaml("{apiVersion: apps/v1, kind: Deploymnet, metadata: {name: web}}")))
                .singleElement().asString().contains("is no known type");
    }

    private static JsonNode yaml(String text) throws Exception {
        return new YAMLMapper().readTree(text);
    }
}
