package io.corvus.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corvus.agent.boot.AgentSettings;
import io.corvus.config.app.ConfigService;
import io.corvus.elector.app.ElectionLoop;
import io.corvus.provisioner.app.ProvisioningLoop;
import io.corvus.service.Eventing;
import io.smallrye.config.WithDefault;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * One source of truth for settings: every variable the chart and docker-compose.yml give a
 * component names a property that component's code reads (or Kafka's client settings, which
 * KafkaConnection takes), so a renamed or misspelt setting fails here, not silently at run time.
 */
class SettingsTest {

    /** Each component's code: its own jar and, for the services, service-support's. */
    private static final Map<String, Set<String>> READ = Map.of(
            "config-service", SettingsReadByCode.properties(ConfigService.class, Eventing.class),
            "gateway-elector", SettingsReadByCode.properties(ElectionLoop.class, Eventing.class),
            "cloud-provisioner", SettingsReadByCode.properties(ProvisioningLoop.class, Eventing.class),
            "agent", SettingsReadByCode.properties(AgentSettings.class));

    /** Kafka's client settings as KafkaConnection takes them, and Quarkus's own: where a Secret's properties file is, the HTTP port. */
    private static final Predicate<String> FRAMEWORK = name -> name.equals("KAFKA_BOOTSTRAP_SERVERS") || name.equals("KAFKA_SECURITY_PROTOCOL")
            || name.startsWith("KAFKA_SSL_") || name.startsWith("KAFKA_SASL_") || name.equals("QUARKUS_CONFIG_LOCATIONS") || name.equals("QUARKUS_HTTP_PORT");

    @Test
    void theCodeIsReadForWhatItReads() {
        assertThat(READ.get("agent")).contains("corvus.agent.node-name", "corvus.agent.proxy.certificate", "corvus.agent.tunnel.driver");
        assertThat(READ.get("gateway-elector")).contains("corvus.elector.heartbeat-interval", "corvus.elector.kubernetes.cluster-id");
        assertThat(READ.get("config-service")).contains("corvus.gitops.enabled");
    }

    @Test
    void everySettingTheChartGivesIsOneTheComponentReads() {
        List<JsonNode> objects = new ArrayList<>(Chart.render(Map.of("clusterId", "hangzhou", "kafka.securityProtocol", "SASL_SSL",
                "kafka.sasl.mechanism", "PLAIN", "kafka.sasl.existingSecret", "kafka-login", "kafka.tls.caSecret", "kafka-ca",
                "platform.configService.gitops", "true", "platform.cloudProvisioner.aliyun.credentialsSecret", "aliyun-keys")));
        objects.addAll(Chart.render(Map.of("role", "member", "clusterId", "edge-east")));

        List<JsonNode> workloads = objects.stream().filter(o -> Set.of("Deployment", "DaemonSet").contains(o.path("kind").asText())).toList();
        assertThat(workloads).hasSize(4);
        for (JsonNode workload : workloads) {
            String component = workload.at("/metadata/labels/app.kubernetes.io~1component").asText();
            assertThat(unread(component, Chart.environment(Chart.container(workload)).keySet())).as("the chart's " + component).isEmpty();
        }
    }

    @Test
    void everySettingTheComposeFileGivesIsOneTheComponentReads() throws IOException {
        JsonNode compose = yaml("docker-compose.yml");

        Iterator<Map.Entry<String, JsonNode>> services = compose.path("services").fields();
        int checked = 0;
        while (services.hasNext()) {
            Map.Entry<String, JsonNode> service = services.next();
            String component = service.getKey().startsWith("agent-") ? "agent" : service.getKey();
            if (READ.containsKey(component)) {
                Set<String> names = new TreeSet<>();
                service.getValue().path("environment").fieldNames().forEachRemaining(names::add);
                assertThat(unread(component, names)).as("docker-compose.yml's " + service.getKey()).isEmpty();
                checked++;
            }
        }
        assertThat(checked).as("three services and three agents").isEqualTo(6);
    }

    @Test
    void theComposeStackHasTheLocalInventorysNodesEachWithItsAgent() throws IOException {
        JsonNode local = yaml("deploy/local/inventory.yaml").at("/clusters/demo");
        JsonNode composed = yaml("deploy/compose/inventory.yaml").at("/clusters/demo");
        JsonNode compose = yaml("docker-compose.yml");

        assertThat(composed).hasSameSizeAs(local);
        for (int i = 0; i < local.size(); i++) {
            String node = local.get(i).path("name").asText();
            assertThat(composed.get(i).path("name").asText()).isEqualTo(node);
            assertThat(composed.get(i).path("labels")).as(node).isEqualTo(local.get(i).path("labels"));
            assertThat(composed.get(i).path("podCidrs")).as(node).isEqualTo(local.get(i).path("podCidrs"));
            assertThat(compose.at("/services/agent-" + node + "/networks/corvus/ipv4_address").asText()).as("agent-" + node + "'s address")
                    .isEqualTo(composed.get(i).path("internalIps").get(0).asText());
        }
    }

    @Test
    void theChartsPortsAndProbesAreWhereEachProcessListens() {
        List<JsonNode> objects = new ArrayList<>(Chart.render(Map.of()));
        objects.addAll(Chart.render(Map.of("role", "member", "clusterId", "edge-east")));

        for (JsonNode workload : objects.stream().filter(o -> Set.of("Deployment", "DaemonSet").contains(o.path("kind").asText())).toList()) {
            String component = workload.at("/metadata/labels/app.kubernetes.io~1component").asText();
            JsonNode container = Chart.container(workload);
            String probed = container.at("/readinessProbe/httpGet/port").asText(container.at("/livenessProbe/httpGet/port").asText());
            List<String> ports = new ArrayList<>();
            container.path("ports").forEach(port -> {
                if (port.path("name").asText().equals(probed)) {
                    ports.add(port.path("containerPort").asText());
                }
            });
            assertThat(ports).as("the chart's %s: the port its probes use", component)
                    .containsExactly(listening(component, Chart.environment(container)));
        }
    }

    @Test
    void theComposeHealthChecksAskWhereEachProcessListens() throws IOException {
        JsonNode compose = yaml("docker-compose.yml");

        compose.path("services").fields().forEachRemaining(service -> {
            String component = service.getKey().startsWith("agent-") ? "agent" : service.getKey();
            if (READ.containsKey(component)) {
                Map<String, String> environment = new ObjectMapper().convertValue(service.getValue().path("environment"),
                        new TypeReference<Map<String, String>>() { });
                String check = service.getValue().at("/healthcheck/test").toString();
                assertThat(check).as("docker-compose.yml's %s health check", service.getKey())
                        .contains("/dev/tcp/127.0.0.1/" + listening(component, environment) + " ");
            }
        });
    }

    /**
     * The HTTP port a component's process listens on for its probes: a service's QUARKUS_HTTP_PORT,
     * else its application.properties'; the agent's CORVUS_AGENT_HEALTH_PORT, else its setting's default.
     */
    private static String listening(String component, Map<String, String> environment) {
        if (component.equals("agent")) {
            try {
                return environment.getOrDefault("CORVUS_AGENT_HEALTH_PORT",
                        AgentSettings.class.getMethod("healthPort").getAnnotation(WithDefault.class).value());
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
        }
        Properties defaults = new Properties();
        try (Reader file = Files.newBufferedReader(Chart.HOME.resolve(component + "/src/main/resources/application.properties"))) {
            defaults.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return environment.getOrDefault("QUARKUS_HTTP_PORT", defaults.getProperty("quarkus.http.port", "8080"));
    }

    /** A YAML file of the repository, anchors and merge keys resolved as Compose resolves them. */
    private static JsonNode yaml(String path) throws IOException {
        return new ObjectMapper().valueToTree(new Yaml().load(Files.readString(Chart.HOME.resolve(path))));
    }

    private static Set<String> unread(String component, Set<String> variables) {
        Set<String> read = READ.get(component).stream().map(SettingsReadByCode::environmentName).collect(Collectors.toSet());
        return variables.stream().filter(name -> !read.contains(name) && !FRAMEWORK.test(name)).collect(Collectors.toCollection(TreeSet::new));
    }
}
