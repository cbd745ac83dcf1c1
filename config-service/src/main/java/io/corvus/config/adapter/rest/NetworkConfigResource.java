package io.corvus.config.adapter.rest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BiFunction;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.corvus.config.app.ConfigFeed;
import io.corvus.config.app.ConfigLog;
import io.corvus.config.app.ConfigProblem;
import io.corvus.config.app.ConfigService;
import io.corvus.config.app.ConfigStore;
import io.corvus.config.domain.ConfigDocument;
import io.corvus.config.domain.Validation;
import io.corvus.config.domain.Violation;
import io.corvus.events.payload.ConfigChanged;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * {@code /api/v1/clusters}: a cluster's network configuration, its history, and the list of
 * clusters. Changes need If-Match with the revision they are based on (the ETag of GET), except
 * the first one; an accepted change answers once the broker has acknowledged its event.
 */
@Path("/api/v1/clusters")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
@SecurityRequirement(name = OpenApiContract.BEARER)
@APIResponse(responseCode = "401", description = "No token, or an unknown one", content = @Content(mediaType = Problems.MEDIA_TYPE,
        schema = @Schema(ref = "Problem")))
@APIResponse(responseCode = "503", description = "The broker is out of reach, or the service is still reading the topic; "
        + "retry after Retry-After", content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
public class NetworkConfigResource {

    /** Larger bodies are refused before they are parsed; 300 ACL entries need about 6 KiB. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final String MERGE_PATCH = "application/merge-patch+json";
    static final String DRY_RUN = "true: validate and answer with the document the change would publish (200), publishing nothing";

    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private final ConfigService service;
    private final ConfigFeed feed;
    private final Caller caller;
    private final MeterRegistry metrics;

    NetworkConfigResource(ConfigService service, ConfigFeed feed, Caller caller, MeterRegistry metrics) {
        this.service = service;
        this.feed = feed;
        this.caller = caller;
        this.metrics = metrics;
    }

    @GET
    @Operation(summary = "The clusters that have a network configuration")
    public List<Map<String, Object>> clusters() {
        requireRebuilt();
        return service.list().stream().map(c -> {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("clusterId", c.clusterId());
            summary.put("revision", c.revision());
            summary.put("changedAt", c.changedAt().toString());
            summary.put("proxyEnabled", c.config().proxy().enabled());
            summary.put("tunnelEnabled", c.config().tunnel().enabled());
            return summary;
        }).toList();
    }

    @GET
    @Path("/{clusterId}/network-config")
    @Operation(summary = "A cluster's current configuration; the ETag is its revision")
    @APIResponse(responseCode = "200", description = "The current revision", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(ref = "Revision")))
    @APIResponse(responseCode = "404", description = "No configuration for the cluster", content = @Content(
            mediaType = Problems.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response get(@PathParam("clusterId") String clusterId) {
        requireRebuilt();
        ConfigChanged current = service.get(clusterId).orElseThrow(() -> new ConfigProblem.NotFound(clusterId));
        return Response.ok(view(current, List.of())).tag(etag(current)).build();
    }

    @PUT
    @Path("/{clusterId}/network-config")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a cluster's configuration (If-Match required once it exists)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "NetworkConfig")))
    @APIResponse(responseCode = "201", description = "The first configuration of the cluster", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Revision")))
    @APIResponse(responseCode = "200", description = "The new (or unchanged) revision", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Revision")))
    @ChangeRefusals
    public Response put(@PathParam("clusterId") String clusterId, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @QueryParam("dryRun") @Parameter(description = DRY_RUN) boolean dryRun, @Parameter(hidden = true) InputStream body) {
        return dryRun ? preview(clusterId, body, service::previewReplace) : change(clusterId, ifMatch, body, service::replace);
    }

    @PATCH
    @Path("/{clusterId}/network-config")
    @Consumes(MERGE_PATCH)
    @Operation(summary = "Change part of a cluster's configuration with a JSON Merge Patch (RFC 7396)")
    @RequestBody(required = true, content = @Content(mediaType = MERGE_PATCH, schema = @Schema(ref = "NetworkConfig")))
    @APIResponse(responseCode = "200", description = "The new (or unchanged) revision", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Revision")))
    @ChangeRefusals
    public Response patch(@PathParam("clusterId") String clusterId, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @QueryParam("dryRun") @Parameter(description = DRY_RUN) boolean dryRun, @Parameter(hidden = true) InputStream body) {
        return dryRun ? preview(clusterId, body, service::previewPatch) : change(clusterId, ifMatch, body, service::patch);
    }

    @DELETE
    @Path("/{clusterId}/network-config")
    @Operation(summary = "Disable both modes, so that everything downstream is released, then delete")
    public Response delete(@PathParam("clusterId") String clusterId, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        requireRebuilt();
        ConfigChanged last = service.delete(clusterId, revisionOf(ifMatch), caller.name());
        metrics.counter("corvus.config.writes", "outcome", "accepted").increment();
        return Response.ok(Map.of("clusterId", clusterId, "revision", last.revision(), "deleted", true)).build();
    }

    @GET
    @Path("/{clusterId}/network-config/history")
    @Operation(summary = "Every revision still on the topic: when, by whom, what changed")
    public List<ConfigStore.HistoryEntry> history(@PathParam("clusterId") String clusterId) {
        requireRebuilt();
        return service.history(clusterId);
    }

    /** A PUT or a PATCH: the same checks, the same answer, a different use case. */
    private interface Change {
        ConfigService.Outcome apply(String clusterId, Object body, OptionalLong ifMatch, String actor);
    }

    /** A dry run: validated and normalized as the change would be, and answered with the document it would publish. */
    private Response preview(String clusterId, InputStream body, BiFunction<String, Object, Validation.Accepted> preview) {
        requireRebuilt();
        Validation.Accepted accepted = preview.apply(clusterId, parse(body));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("clusterId", clusterId);
        view.put("dryRun", true);
        view.put("config", ConfigDocument.of(accepted.config()));
        view.put("warnings", accepted.warnings());
        return Response.ok(view).build();
    }

    private Response change(String clusterId, String ifMatch, InputStream body, Change change) {
        requireRebuilt();
        OptionalLong expected = revisionOf(ifMatch);
        return written(clusterId, change.apply(clusterId, parse(body), expected, caller.name()));
    }

    private Response written(String clusterId, ConfigService.Outcome outcome) {
        metrics.counter("corvus.config.writes", "outcome", outcome.changed() ? "accepted" : "unchanged").increment();
        Response.ResponseBuilder response = outcome.created()
                ? Response.created(URI.create("/api/v1/clusters/" + clusterId + "/network-config"))
                : Response.ok();
        return response.entity(view(outcome.current(), outcome.warnings())).tag(etag(outcome.current())).build();
    }

    private static Map<String, Object> view(ConfigChanged revision, List<String> warnings) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("clusterId", revision.clusterId());
        view.put("revision", revision.revision());
        view.put("changedAt", revision.changedAt().toString());
        view.put("actor", revision.actor());
        view.put("config", ConfigService.document(revision));
        view.put("warnings", warnings);
        return view;
    }

    private static EntityTag etag(ConfigChanged revision) {
        return new EntityTag(String.valueOf(revision.revision()));
    }

    private void requireRebuilt() {
        if (!feed.rebuilt()) {
            throw new ConfigLog.LogUnavailable("the service is still reading the configurations from Kafka", 2, null);
        }
    }

    /** {@code "7"} (or {@code 7}) to revision 7; absent to empty. */
    static OptionalLong revisionOf(String ifMatch) {
        if (ifMatch == null) {
            return OptionalLong.empty();
        }
        String value = ifMatch.trim();
        if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
            value = value.substring(1, value.length() - 1);
        }
        if (!value.matches("[1-9]\\d{0,17}")) {
            throw new ConfigProblem.Invalid(List.of(new Violation(HttpHeaders.IF_MATCH,
                    "'" + ifMatch + "' is not a revision; send the ETag of GET, like \"3\"")));
        }
        return OptionalLong.of(Long.parseLong(value));
    }

    private static Object parse(InputStream body) {
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new ConfigProblem.Invalid(List.of(new Violation("", "the body could not be read: " + e.getMessage())));
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ConfigProblem.Invalid(List.of(new Violation("", "the body is larger than " + MAX_BODY_BYTES
                    + " bytes; a configuration is far smaller (300 ACL entries fit in about 6 KiB)")));
        }
        if (bytes.length == 0) {
            throw new ConfigProblem.Invalid(List.of(new Violation("", "the body is empty; send a JSON object")));
        }
        try {
            return JSON.readValue(bytes, Object.class);
        } catch (JsonProcessingException e) {
            throw new ConfigProblem.Invalid(List.of(new Violation("", "the body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")")));
        } catch (IOException e) {
            throw new ConfigProblem.Invalid(List.of(new Violation("", "the body could not be read: " + e.getMessage())));
        }
    }
}
