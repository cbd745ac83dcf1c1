package io.corvus.agent.health;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;

/**
 * The agent's two small HTTP endpoints, as the services have them: health on one port
 * ({@code /q/health}, {@code /q/health/live}, {@code /q/health/ready}, in MicroProfile Health's
 * JSON: 200 when every check is UP, else 503) and Prometheus metrics on another ({@code /q/metrics},
 * OpenMetrics unless only Prometheus's older text format is asked for).
 * The JDK's own server, each request on a virtual thread: probes and scrapes are a few a second.
 */
public final class ManagementEndpoints implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer health;
    private final HttpServer metrics;
    private final ExecutorService requests;

    private ManagementEndpoints(HttpServer health, HttpServer metrics, ExecutorService requests) {
        this.health = health;
        this.metrics = metrics;
        this.requests = requests;
    }

    public static ManagementEndpoints start(String address, int healthPort, int metricsPort, List<Supplier<Check>> liveness,
            List<Supplier<Check>> readiness, PrometheusMeterRegistry registry) throws IOException {
        ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer health = server(address, healthPort, requests);
        health.createContext("/q/health/live", checks(liveness));
        health.createContext("/q/health/ready", checks(readiness));
        health.createContext("/q/health", checks(Stream.concat(liveness.stream(), readiness.stream()).toList()));
        HttpServer metrics;
        try {
            metrics = server(address, metricsPort, requests);
        } catch (IOException e) {
            health.stop(0);
            requests.close();
            throw e;
        }
        metrics.createContext("/q/metrics", exchange -> {
            String format = format(exchange.getRequestHeaders().getFirst("Accept"));
            answer(exchange, 200, format, registry.scrape(format).getBytes(StandardCharsets.UTF_8));
        });
        health.start();
        metrics.start();
        return new ManagementEndpoints(health, metrics, requests);
    }

    public int healthPort() {
        return health.getAddress().getPort();
    }

    public int metricsPort() {
        return metrics.getAddress().getPort();
    }

    @Override
    public void close() {
        health.stop(0);
        metrics.stop(0);
        requests.shutdownNow();
    }

    private static HttpServer server(String address, int port, ExecutorService requests) throws IOException {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 16);
            server.setExecutor(requests);
            return server;
        } catch (IOException e) {
            throw new IOException("cannot listen on " + address + ":" + port + " (" + e.getMessage()
                    + "): is another agent running here? corvus.agent.health-port and corvus.agent.metrics-port choose the ports", e);
        }
    }

    /** OpenMetrics, as Prometheus asks first and the services answer by default; Prometheus's older text when only that is asked for. */
    static String format(String accept) {
        return accept != null && accept.contains("text/plain") && !accept.contains("application/openmetrics-text")
                ? TextFormat.CONTENT_TYPE_004 : TextFormat.CONTENT_TYPE_OPENMETRICS_100;
    }

    /** Exact paths only: a context also takes every path below it. */
    private static HttpHandler checks(List<Supplier<Check>> checks) {
        return exchange -> {
            if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
                answer(exchange, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            List<Check> results = checks.stream().map(Supplier::get).toList();
            boolean up = results.stream().allMatch(Check::up);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", up ? "UP" : "DOWN");
            body.put("checks", results.stream().map(Check::asJson).toList());
            answer(exchange, up ? 200 : 503, "application/json", JSON.writeValueAsBytes(body));
        };
    }

    private static void answer(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        try (exchange; OutputStream out = exchange.getResponseBody()) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
            if (exchange.getRequestMethod().equals("GET")) {
                out.write(body);
            }
        }
    }
}
