package io.corvus.agent.kube;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import io.corvus.events.Json;
import io.corvus.pki.ClusterCa;

/**
 * The few calls the agent makes to its cluster's API server, with the JDK's HTTP client and the
 * pod's service account (its token, the cluster's CA): the agent runs on every node, so it carries
 * no Kubernetes client library for them.
 */
final class KubernetesApi {

    private final URI server;
    private final Optional<Path> tokenFile;
    private final HttpClient http;

    /**
     * @param caFile the API server's CA; without one, the JDK's trusted CAs
     */
    KubernetesApi(URI server, Optional<Path> tokenFile, Optional<Path> caFile) throws IOException {
        this.server = server;
        this.tokenFile = tokenFile;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (caFile.isPresent() && Files.exists(caFile.get())) {
            builder.sslContext(trusting(caFile.get()));
        }
        this.http = builder.build();
    }

    /** POSTs the object; returns what the server made, or empty when it exists already (409). */
    Optional<JsonNode> create(String path, JsonNode object) throws IOException, InterruptedException {
        HttpResponse<String> response = send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(object.toString())));
        if (response.statusCode() == 409) {
            return Optional.empty();
        }
        return Optional.of(body(response, path));
    }

    /** GETs the object; empty when there is none (404). */
    Optional<JsonNode> get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send(request(path).GET());
        return response.statusCode() == 404 ? Optional.empty() : Optional.of(body(response, path));
    }

    private HttpRequest.Builder request(String path) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json");
        if (tokenFile.isPresent() && Files.exists(tokenFile.get())) {
            // read each time: the kubelet rotates a projected token
            request.header("Authorization", "Bearer " + Files.readString(tokenFile.get()).strip());
        }
        return request;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode body(HttpResponse<String> response, String path) throws IOException {
        if (response.statusCode() / 100 != 2) {
            String message = response.body();
            try {
                message = Json.mapper().readTree(response.body()).path("message").asText(message);
            } catch (IOException notJson) {
                // the body as it is
            }
            throw new IOException("the API server answered " + response.statusCode() + " for " + path + ": " + message);
        }
        return Json.mapper().readTree(response.body());
    }

    private static SSLContext trusting(Path caFile) throws IOException {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (var certificate : ClusterCa.Pem.certificates(Files.readString(caFile))) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the API server's CA in " + caFile + ": " + e.getMessage(), e);
        }
    }
}
