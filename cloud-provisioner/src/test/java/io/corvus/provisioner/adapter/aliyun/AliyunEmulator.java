package io.corvus.provisioner.adapter.aliyun;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * An Alibaba Cloud API emulator for tests and benchmarks: an HTTP server speaking the RPC wire
 * format the official SDKs use ({@code POST /?params}, action and version in {@code x-acs-action}
 * and {@code x-acs-version}, ACS3-HMAC-SHA256 signatures, JSON replies with a RequestId, errors
 * as 4xx/5xx with Code and Message), backed by {@link EmulatedCloud}. It verifies every signature
 * against the keys it knows, can add latency, and injects the faults of a {@link FaultPlan}. It runs
 * on one Vert.x event loop: pauses are timers, so a hanging call never holds up the others.
 */
public final class AliyunEmulator implements AutoCloseable {

    /** What happens to one API call. */
    public enum Fault {
        NONE,
        /** 400 Throttling.User, nothing done */
        THROTTLE,
        /** 503 ServiceUnavailable, nothing done */
        UNAVAILABLE,
        /** done, but answered 500 InternalError */
        INTERNAL_ERROR_AFTER,
        /** done, but the answer never comes (the client times out) */
        TIMEOUT_AFTER,
        /** not done, and no answer (the client times out) */
        TIMEOUT_BEFORE,
        /** done, then the connection is closed without an answer (the SDK's HTTP client may send it again) */
        DROP_AFTER
    }

    /** The fault of each call, by its number (1 for the first call after the plan was set) and action. */
    @FunctionalInterface
    public interface FaultPlan {
        FaultPlan NONE = (number, action) -> Fault.NONE;

        Fault at(int number, String action);
    }

    private static final Map<String, String> PRODUCTS = Map.of("2014-05-15", "slb", "2016-04-28", "vpc", "2014-05-26", "ecs");
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpServer server;
    private final Clock clock;
    private volatile EmulatedCloud cloud;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, String> stsTokens = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger sinceFaultPlan = new AtomicInteger();
    private volatile FaultPlan faults = FaultPlan.NONE;
    private volatile Duration latency = Duration.ZERO;
    private volatile Duration hang = Duration.ofSeconds(2);

    public AliyunEmulator(Clock clock) throws IOException {
        this.clock = clock;
        this.cloud = new EmulatedCloud(clock);
        try {
            this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
                    .requestHandler(request -> request.body().onSuccess(body -> after(latency, () -> handle(request, body.getBytes()))))
                    .listen().toCompletionStage().toCompletableFuture().get();
        } catch (Exception e) {
            vertx.close();
            throw new IOException("cannot start the Alibaba Cloud API emulator", e);
        }
    }

    public EmulatedCloud cloud() {
        return cloud;
    }

    /** An empty cloud (no VPC either), no faults, no latency, no calls recorded: for the next case of a property. */
    public EmulatedCloud reset() {
        faults(FaultPlan.NONE);
        latency = Duration.ZERO;
        calls.clear();
        cloud = new EmulatedCloud(clock);
        return cloud;
    }

    /** {@code 127.0.0.1:port}, for the SDK's endpoint. */
    public String endpoint() {
        return "127.0.0.1:" + server.actualPort();
    }

    public AliyunEmulator withAccessKey(String id, String secret) {
        secrets.put(id, secret);
        return this;
    }

    /** A temporary key: calls must carry this STS token. */
    public AliyunEmulator withStsKey(String id, String secret, String token) {
        secrets.put(id, secret);
        stsTokens.put(id, token);
        return this;
    }

    /** A pause before every answer, as a real API has (tens of milliseconds). */
    public void latency(Duration latency) {
        this.latency = latency;
    }

    /** How long a timed-out call stays unanswered; more than the client's read timeout. */
    public void hang(Duration hang) {
        this.hang = hang;
    }

    public void faults(FaultPlan plan) {
        sinceFaultPlan.set(0);
        this.faults = plan;
    }

    /** Every action called so far, in order (including the ones that failed). */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    public void forgetCalls() {
        calls.clear();
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private void handle(HttpServerRequest request, byte[] body) {
        try {
            String action = request.getHeader("x-acs-action");
            String product = PRODUCTS.get(request.getHeader("x-acs-version"));
            if (action == null || product == null) {
                error(request, 400, "MissingParameter", "x-acs-action and a known x-acs-version (" + PRODUCTS.keySet() + ") are required");
                return;
            }
            calls.add(action);
            Map<String, String> params = parameters(request.query());
            if (body.length > 0 && String.valueOf(request.getHeader("content-type")).startsWith("application/x-www-form-urlencoded")) {
                params.putAll(parameters(new String(body, StandardCharsets.UTF_8)));
            }
            String refused = authenticate(request, params, body);
            if (refused != null) {
                String[] codeAndMessage = refused.split(": ", 2);
                error(request, codeAndMessage[0].startsWith("InvalidAccessKeyId") ? 404 : 400, codeAndMessage[0], codeAndMessage[1]);
                return;
            }
            Fault fault = faults.at(sinceFaultPlan.incrementAndGet(), action);
            switch (fault) {
                case THROTTLE -> error(request, 400, "Throttling.User", "Request was denied due to user flow control.");
                case UNAVAILABLE -> error(request, 503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.");
                case TIMEOUT_BEFORE -> after(hang, () -> request.connection().close());
                case NONE, INTERNAL_ERROR_AFTER, TIMEOUT_AFTER, DROP_AFTER -> {
                    Map<String, Object> reply;
                    try {
                        reply = cloud.apply(product, action, params);
                    } catch (EmulatedCloud.ApiError e) {
                        error(request, e.status, e.code, e.getMessage());
                        return;
                    }
                    switch (fault) {
                        case TIMEOUT_AFTER -> after(hang, () -> request.connection().close());
                        case DROP_AFTER -> request.connection().close(); // done, and the connection drops unanswered
                        case INTERNAL_ERROR_AFTER -> error(request, 500, "InternalError", "The request processing has failed due to some unknown error.");
                        default -> {
                            Map<String, Object> withId = new LinkedHashMap<>(reply);
                            withId.put("RequestId", UUID.randomUUID().toString().toUpperCase());
                            send(request, 200, withId);
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            error(request, 500, "InternalError", "emulator failure: " + e);
        }
    }

    /**
     * Checks the ACS3-HMAC-SHA256 signature as the SDK makes it: the canonical request (method, path,
     * sorted and percent-encoded query, the signed headers, the payload hash) hashed, then signed with
     * the key's secret. Returns "Code: message" when refused.
     */
    private String authenticate(HttpServerRequest request, Map<String, String> params, byte[] body) {
        String authorization = request.getHeader("Authorization");
        Matcher m = authorization == null ? null : AUTHORIZATION.matcher(authorization);
        if (m == null || !m.matches()) {
            return "IncompleteSignature: The request signature does not conform to Aliyun standards.";
        }
        String secret = secrets.get(m.group(1));
        if (secret == null) {
            return "InvalidAccessKeyId.NotFound: Specified access key is not found.";
        }
        String payloadHash = hex(sha256(body));
        if (!payloadHash.equals(request.getHeader("x-acs-content-sha256"))) {
            return "SignatureDoesNotMatch: The payload hash does not match x-acs-content-sha256.";
        }
        StringBuilder canonical = new StringBuilder(request.method().name()).append('\n')
                .append(request.path() == null || request.path().isEmpty() ? "/" : request.path()).append('\n');
        List<String> query = new ArrayList<>();
        new TreeMap<>(params).forEach((k, v) -> query.add(encode(k) + "=" + encode(v)));
        canonical.append(String.join("&", query)).append('\n');
        for (String header : m.group(2).split(";")) {
            String value = request.getHeader(header);
            canonical.append(header).append(':').append(value == null ? "" : value.trim()).append('\n');
        }
        canonical.append('\n').append(m.group(2)).append('\n').append(payloadHash);
        String stringToSign = "ACS3-HMAC-SHA256\n" + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        if (!MessageDigest.isEqual(hex(hmac(secret, stringToSign)).getBytes(StandardCharsets.UTF_8),
                m.group(3).getBytes(StandardCharsets.UTF_8))) {
            return "SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided.";
        }
        String expectedToken = stsTokens.get(m.group(1));
        if (expectedToken != null && !expectedToken.equals(request.getHeader("x-acs-security-token"))) {
            return "InvalidSecurityToken.Expired: Specified SecurityToken is expired.";
        }
        return null;
    }

    private static Map<String, String> parameters(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            params.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static void error(HttpServerRequest request, int status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("RequestId", UUID.randomUUID().toString().toUpperCase());
        body.put("HostId", "emulator.aliyuncs.com");
        body.put("Code", code);
        body.put("Message", message);
        send(request, status, body);
    }

    private static void send(HttpServerRequest request, int status, Map<String, Object> body) {
        try {
            request.response().setStatusCode(status).putHeader("Content-Type", "application/json;charset=utf-8")
                    .end(Buffer.buffer(JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
            request.response().setStatusCode(500).end();
        }
    }

    /** Runs the step now, or after the pause, without ever blocking the event loop. */
    private void after(Duration pause, Runnable step) {
        if (pause.isZero()) {
            step.run();
        } else {
            vertx.setTimer(pause.toMillis(), id -> step.run());
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
