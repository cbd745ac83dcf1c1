package io.corvus.config.adapter.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.corvus.config.domain.Violation;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** RFC 9457 problem details ({@code application/problem+json}). */
final class Problems {

    static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://corvus.io/problems/";

    private Problems() {
    }

    static Response of(Response.Status status, String type, String title, String detail, ContainerRequestContext request,
            Map<String, Object> extensions) {
        return of(status.getStatusCode(), type, title, detail, request == null ? null : instance(request.getUriInfo().getPath()),
                extensions);
    }

    /** The request's path as the problem's {@code instance}: one leading slash, whichever form the server gives. */
    static String instance(String path) {
        return "/" + path.replaceFirst("^/+", "");
    }

    static Response of(int status, String type, String title, String detail, String instance, Map<String, Object> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        body.putAll(extensions);
        return Response.status(status).type(MEDIA_TYPE).entity(body).build();
    }

    static Response unauthorized(ContainerRequestContext request, String detail) {
        Response problem = of(Response.Status.UNAUTHORIZED, "unauthorized", "Authentication required", detail, request, Map.of());
        return Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"corvus\"").build();
    }

    /** Each violation as {@code {"pointer": "/a/0", "detail": "..."}}, or {@code "parameter"} for a path or header value. */
    static List<Map<String, String>> errors(List<Violation> violations) {
        return violations.stream().map(v -> v.pointer().isEmpty() || v.pointer().startsWith("/")
                ? Map.of("pointer", v.pointer(), "detail", v.detail())
                : Map.of("parameter", v.pointer(), "detail", v.detail())).toList();
    }
}
