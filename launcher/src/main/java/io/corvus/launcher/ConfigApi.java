package io.corvus.launcher;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.corvus.events.Json;

/** A small client of config-service's API, for the demo, the benchmarks and the {@code corvus config} commands. */
final class ConfigApi {

    /** A response: its status, its ETag (if any) and its JSON content (an object, or a list for lists). */
    record Reply(int status, String etag, Object content) {

        /** The content as a JSON object; empty when it is not one. */
        @SuppressWarnings("unchecked")
        Map<String, Object> body() {
            return content instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        }

        @SuppressWarnings("unchecked")
        List<Map<String, String>> errors() {
            return (List<Map<String, String>>) body().getOrDefault("errors", List.of());
        }

        @SuppressWarnings("unchecked")
        List<String> warnings() {
            return (List<String>) body().getOrDefault("warnings", List.of());
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

    /** A PUT ({@code patch} false) or PATCH with {@code ?dryRun=true}: the document the change would publish, publishing nothing. */
    Reply dryRun(String clusterId, String json, boolean patch) throws IOException, InterruptedException {
        return send(authorized(baseUrl + "/api/v1/clusters/" + clusterId + "/network-config?dryRun=true")
                .header("Content-Type", patch ? "application/merge-patch+json" : "application/json")
                .method(patch ? "PATCH" : "PUT", HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Reply get(String clusterId) throws IOException, InterruptedException {
        return send(request(clusterId).GET().build());
    }

    /** Every revision of a cluster's configuration still on the topic, oldest first. */
    Reply history(String clusterId) throws IOException, InterruptedException {
        return send(authorized(baseUrl + "/api/v1/clusters/" + clusterId + "/network-config/history").GET().build());
    }

    /** The clusters that have a configuration. */
    Reply clusters() throws IOException, InterruptedException {
        return send(authorized(baseUrl + "/api/v1/clusters").GET().build());
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

    String baseUrl() {
        return baseUrl;
    }

    private HttpRequest.Builder request(String clusterId) {
        return authorized(baseUrl + "/api/v1/clusters/" + clusterId + "/network-config");
    }

    private HttpRequest.Builder authorized(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
    }

    /** Sends; a server that is not there or does not answer is a {@link CliFailure} that says so. */
    private Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new CliFailure(CliFailure.Exit.UNREACHABLE, "cannot reach config-service at " + baseUrl + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + "); is it running, and is --server right?");
        } catch (HttpTimeoutException e) {
            throw new CliFailure(CliFailure.Exit.UNREACHABLE, "config-service at " + baseUrl + " did not answer "
                    + request.method() + " " + request.uri().getPath() + " within " + request.timeout().orElseThrow().toSeconds() + " s");
        }
        String text = response.body();
        Object content;
        try {
            content = text.isBlank() ? Map.of() : Json.mapper().readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new CliFailure(CliFailure.Exit.FAILED, baseUrl + " answered " + response.statusCode() + " with something that is not JSON: "
                    + text.substring(0, Math.min(200, text.length())) + "; is --server config-service's address?");
        }
        return new Reply(response.statusCode(), response.headers().firstValue("ETag").orElse(null), content);
    }
}
