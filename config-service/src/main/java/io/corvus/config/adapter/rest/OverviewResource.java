package io.corvus.config.adapter.rest;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.corvus.config.app.OverviewFeed;
import io.corvus.events.view.OverviewSnapshot;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * {@code /api/v1/overview}: what the topics say about every cluster (gateways and why they changed,
 * nodes and heartbeat ages, provisioning, raven-cfg), once or as a stream of server-sent events
 * that the topology page draws. Any token may read it.
 */
@Path("/api/v1/overview")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = OpenApiContract.BEARER)
public class OverviewResource {

    /** How often the stream looks for news; ages move on, so it also sends every {@link #REFRESH} without news. */
    static final Duration TICK = Duration.ofMillis(500);
    static final Duration REFRESH = Duration.ofSeconds(5);

    private final OverviewFeed follower;

    OverviewResource(OverviewFeed follower) {
        this.follower = follower;
    }

    @GET
    @Operation(summary = "Every cluster (or one) as the topics describe it now")
    public OverviewSnapshot overview(@QueryParam("cluster") @Parameter(description = "only this cluster") String cluster) {
        return only(follower.snapshot(), cluster);
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "The overview as server-sent events: one at once, then one whenever an event arrived (and every 5 s)")
    public Multi<OverviewSnapshot> stream(@QueryParam("cluster") @Parameter(description = "only this cluster") String cluster) {
        AtomicLong shown = new AtomicLong(-1);
        AtomicLong ticksSinceShown = new AtomicLong();
        long ticksPerRefresh = REFRESH.toMillis() / TICK.toMillis();
        return Multi.createFrom().ticks().every(TICK).onOverflow().drop()
                .filter(tick -> {
                    long now = follower.changeCount();
                    if (now != shown.get() || ticksSinceShown.incrementAndGet() >= ticksPerRefresh) {
                        shown.set(now);
                        ticksSinceShown.set(0);
                        return true;
                    }
                    return false;
                })
                .map(tick -> only(follower.snapshot(), cluster));
    }

    private static OverviewSnapshot only(OverviewSnapshot snapshot, String cluster) {
        return cluster == null ? snapshot
                : new OverviewSnapshot(snapshot.at(), snapshot.clusters().stream().filter(c -> c.clusterId().equals(cluster)).toList());
    }
}
