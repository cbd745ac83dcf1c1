package io.corvus.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corvus.agent.boot.Agent;
import io.corvus.agent.boot.AgentConfig;
import io.corvus.agent.proxy.netty.ProxyRuntime;
import io.corvus.agent.topology.GatewayRoleLoss;

/**
 * A whole agent in the test's JVM, as {@code AgentMain} starts one: node "test-node" of cluster
 * "test-cluster", every port picked free on 127.0.0.1, heartbeats every 200 ms.
 */
public final class TestAgent implements AutoCloseable {

    public static final String CLUSTER = "test-cluster";
    public static final String NODE = "test-node";

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Agent agent;

    private TestAgent(Agent agent) {
        this.agent = agent;
    }

    /** @param settings added to (or replacing) the defaults above */
    public static TestAgent start(String bootstrapServers, Map<String, String> settings) throws IOException {
        return new TestAgent(new Agent(AgentConfig.read(settings(bootstrapServers, settings), Map.of()), GatewayRoleLoss.Listener.IGNORED));
    }

    /** The defaults above with {@code settings} added or replacing them: for an agent in the test's JVM or a process of its own. */
    public static Map<String, String> settings(String bootstrapServers, Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of("kafka.bootstrap.servers", bootstrapServers, "corvus.agent.cluster-id", CLUSTER,
                "corvus.agent.node-name", NODE, "corvus.agent.heartbeat-interval", "200ms", "corvus.agent.health-port", "0",
                "corvus.agent.metrics-port", "0", "corvus.agent.management-address", "127.0.0.1", "corvus.agent.proxy.bind-address",
                "127.0.0.1"));
        all.putAll(Map.of("corvus.agent.proxy.link-port", "0", "corvus.agent.proxy.https-port", "0", "corvus.agent.proxy.http-port", "0"));
        all.putAll(settings);
        return all;
    }

    public ProxyRuntime proxy() {
        return agent.proxy();
    }

    /** A GET on the health port: status and the JSON answer. */
    public Answer health(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(agent.healthPort(), path);
        return new Answer(response.statusCode(), response.body().startsWith("{") ? JSON.readTree(response.body()) : JSON.missingNode());
    }

    /** The Prometheus text of {@code /q/metrics} on the metrics port. */
    public String metrics() throws IOException, InterruptedException {
        HttpResponse<String> response = get(agent.metricsPort(), "/q/metrics");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/q/metrics answered " + response.statusCode());
        }
        return response.body();
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        agent.close();
    }

    public record Answer(int status, JsonNode body) {

        public String state() {
            return body.path("status").asText();
        }

        public List<String> checkNames() {
            List<String> names = new ArrayList<>();
            body.path("checks").forEach(check -> names.add(check.path("name").asText()));
            return names;
        }
    }
}
