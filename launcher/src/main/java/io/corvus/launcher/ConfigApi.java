package io.corvus.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import io.corvus.events.Json;

/** A small client of config-service's API, for the demo, the benchmark and {@code corvus check-api}. */
final class ConfigApi {

    /** A response: its status, its ETag (if any) and its JSON body. */
    record Reply(int status, String etag, Map<String, Object> body) {

        @SuppressWarnings("unchecked")
        List<Map<String, String>> errors() {
            return (List<Map<String, String>>) body.getOrDefault("errors", List.of());
        }

        @SuppressWarnings("unchecked")
        List<String> warnings() {
            return (List<String>) body.getOrDefault("warnings", List.of());
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String token;

    ConfigApi(String baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
    }

    Reply put(String clusterId, String json, String ifMatch) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(clusterId).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return send(request.build());
    }

    /** A JSON Merge Patch (RFC 7396) on the current document, based on revision {@code ifMatch}. */
    Reply patch(String clusterId, String mergePatch, String ifMatch) throws IOException, InterruptedException {
        return send(request(clusterId).header("Content-Type", "application/merge-patch+json").header("If-Match", ifMatch)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(mergePatch)).build());
    }

    Reply get(String clusterId) throws IOException, InterruptedException {
        return send(request(clusterId).GET().build());
    }

    /** Publishes a last revision with both modes off, then removes the configuration. */
    Reply delete(String clusterId, String ifMatch) throws IOException, InterruptedException {
        return send(request(clusterId).header("If-Match", ifMatch).DELETE().build());
    }

    /** The status of {@code /q/health/ready}: 200 once the service can answer. */
    int readiness() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/ready")).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpRequest.Builder request(String clusterId) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/clusters/" + clusterId + "/network-config"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
    }

    private Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        Map<String, Object> body = response.body().isBlank() ? Map.of()
                : Json.mapper().readValue(response.body(), new TypeReference<Map<String, Object>>() { });
        return new Reply(response.statusCode(), response.headers().firstValue("ETag").orElse(null), body);
    }
}
