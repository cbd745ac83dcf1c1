package io.corvus.config.adapter.rest;

import java.util.Map;

import io.corvus.config.app.ConfigLog;
import io.corvus.config.app.ConfigProblem;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns the refusals of the use cases into problem responses, and counts them. */
public class ProblemMappers {

    private final MeterRegistry metrics;

    ProblemMappers(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    @ServerExceptionMapper
    public Response invalid(ConfigProblem.Invalid problem, UriInfo uri) {
        count("rejected");
        return Problems.of(400, "invalid-configuration", "The request is invalid", problem.getMessage(), path(uri),
                Map.of("errors", Problems.errors(problem.violations())));
    }

    @ServerExceptionMapper
    public Response notFound(ConfigProblem.NotFound problem, UriInfo uri) {
        return Problems.of(404, "not-found", "No such configuration", problem.getMessage(), path(uri), Map.of());
    }

    @ServerExceptionMapper
    public Response preconditionRequired(ConfigProblem.PreconditionRequired problem, UriInfo uri) {
        count("conflict");
        return Problems.of(428, "if-match-required", "If-Match required", problem.getMessage(), path(uri), Map.of());
    }

    @ServerExceptionMapper
    public Response preconditionFailed(ConfigProblem.PreconditionFailed problem, UriInfo uri) {
        count("conflict");
        return Problems.of(412, "stale-revision", "The configuration changed", problem.getMessage(), path(uri), Map.of());
    }

    @ServerExceptionMapper
    public Response unavailable(ConfigLog.LogUnavailable problem, UriInfo uri) {
        count("unavailable");
        Response response = Problems.of(503, "unavailable", "Cannot publish now",
                problem.getMessage() + "; nothing was published", path(uri), Map.of());
        return Response.fromResponse(response).header(HttpHeaders.RETRY_AFTER, problem.retryAfterSeconds()).build();
    }

    private void count(String outcome) {
        metrics.counter("corvus.config.writes", "outcome", outcome).increment();
    }

    private static String path(UriInfo uri) {
        return Problems.instance(uri.getPath());
    }
}
