package io.corvus.config.adapter.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.corvus.config.adapter.kafka.ConfigTopic;
import io.corvus.config.domain.ConfigValidatorTest;
import io.corvus.testing.KafkaBrokerTestResource;
import io.corvus.testing.TestBrokers;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@QuarkusTest
@WithTestResource(value = KafkaBrokerTestResource.class, scope = TestResourceScope.GLOBAL)
class NetworkConfigResourceIT {

    private static final String ADMIN = "admin-secret-for-tests";
    private static final String VIEWER = "viewer-secret-for-tests";
    private static final String NEVER_CREATED = "bad-inputs";
    private static final Set<String> REFUSED_CLUSTERS = new ConcurrentSkipListSet<>(Set.of(NEVER_CREATED));

    /** The validator's table, sent over HTTP, plus what only HTTP can get wrong. */
    static Stream<Arguments> badRequests() {
        Stream<Arguments> documents = ConfigValidatorTest.badDocuments()
                .map(a -> Arguments.of(a.get()[0], NEVER_CREATED, a.get()[3], "pointer", a.get()[1]));
        Stream<Arguments> http = Stream.of(
                Arguments.of("not JSON", NEVER_CREATED, "{proxy: on}", "pointer", ""),
                Arguments.of("truncated JSON", NEVER_CREATED, "{\"proxy\":{\"enabled\":tr", "pointer", ""),
                Arguments.of("empty body", NEVER_CREATED, "", "pointer", ""),
                Arguments.of("duplicate key", NEVER_CREATED, "{\"proxy\":{},\"proxy\":{}}", "pointer", ""),
                Arguments.of("oversized body", NEVER_CREATED, "{\"accessControlList\":\"" + "1".repeat(70_000) + "\"}", "pointer", ""),
                Arguments.of("upper-case clusterId", "Cluster1", "{}", "parameter", "clusterId"),
                Arguments.of("unicode clusterId", "clüster", "{}", "parameter", "clusterId"),
                Arguments.of("injection in clusterId", "c1' OR '1'='1", "{}", "parameter", "clusterId"),
                Arguments.of("semicolon in clusterId", "c1;rm -rf", "{}", "parameter", "clusterId"),
                Arguments.of("64-character clusterId", "c".repeat(64), "{}", "parameter", "clusterId"),
                Arguments.of("clusterId ending in '-'", "c1-", "{}", "parameter", "clusterId"));
        return Stream.concat(documents, http);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void aBadRequestGets400NamingThePlaceAndPublishesNothing(String name, String clusterId, String body, String field,
            String place) {
        REFUSED_CLUSTERS.add(clusterId);
        as(ADMIN).body(body).put("/api/v1/clusters/{id}/network-config", clusterId).then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://corvus.io/problems/invalid-configuration"))
                .body("detail", containsString("nothing was published"))
                .body("errors." + field, hasItem(place));
    }

    @AfterAll
    static void noneOfTheRefusedRequestsReachedTheTopic() {
        List<String> keys = ConfigTopic.read(TestBrokers.bootstrapServers()).stream().map(ConfigTopic.Entry::key).toList();
        assertThat(keys).doesNotContainAnyElementsOf(REFUSED_CLUSTERS);
    }

    @Test
    void withoutATokenTheApiAnswers401() {
        given().get("/api/v1/clusters").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .contentType("application/problem+json");
        given().header("Authorization", "Bearer wrong").get("/api/v1/clusters").then().statusCode(401)
                .body("detail", equalTo("the bearer token is not valid"));
    }

    @Test
    void aViewerMayReadButNotWrite() {
        as(VIEWER).get("/api/v1/clusters").then().statusCode(200);
        as(VIEWER).body("{}").put("/api/v1/clusters/viewer-try/network-config").then().statusCode(403)
                .body("detail", containsString("may only read"));
        REFUSED_CLUSTERS.add("viewer-try");
    }

    @Test
    void healthAndOpenApiNeedNoToken() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/clusters/{clusterId}/network-config"));
    }

    @Test
    void aConfigurationLivesThroughPutPatchHistoryAndDelete() {
        String cluster = "lifecycle";
        as(ADMIN).body("{\"accessControlList\":\"203.0.113.0/24,198.51.100.7/32\"}")
                .put("/api/v1/clusters/{id}/network-config", cluster).then()
                .statusCode(201)
                .header("ETag", "\"1\"")
                .header("Location", endsWithPath("/api/v1/clusters/lifecycle/network-config"))
                .body("revision", equalTo(1))
                .body("actor", equalTo("test-admin"))
                .body("config.accessControlList", contains("203.0.113.0/24", "198.51.100.7/32", "100.64.0.0/10"))
                .body("warnings", hasSize(1))
                .body("warnings[0]", startsWith("added 100.64.0.0/10"));

        List<ConfigTopic.Entry> published = ConfigTopic.of(TestBrokers.bootstrapServers(), cluster);
        assertThat(published).singleElement().satisfies(entry -> {
            assertThat(entry.event().revision()).isEqualTo(1);
            assertThat(entry.event().config().accessControlList()).contains("100.64.0.0/10");
        });

        as(VIEWER).get("/api/v1/clusters/{id}/network-config", cluster).then().statusCode(200).header("ETag", "\"1\"");
        // the transactional writer's Kafka client metrics
        given().get("/q/metrics").then().statusCode(200).body(containsString("client_id=\"config-service-writer-p"));
        as(ADMIN).body("{}").put("/api/v1/clusters/{id}/network-config", cluster).then().statusCode(428);
        as(ADMIN).header("If-Match", "\"7\"").body("{}").put("/api/v1/clusters/{id}/network-config", cluster).then()
                .statusCode(412).body("detail", containsString("is at revision 1, not 7"));
        as(ADMIN).header("If-Match", "soon").body("{}").put("/api/v1/clusters/{id}/network-config", cluster).then()
                .statusCode(400).body("errors.parameter", hasItem("If-Match"));

        as(ADMIN).header("If-Match", "\"1\"").contentType("application/merge-patch+json")
                .body("{\"tunnel\":{\"enabled\":true}}")
                .patch("/api/v1/clusters/{id}/network-config", cluster).then()
                .statusCode(200).header("ETag", "\"2\"")
                .body("config.tunnel.enabled", equalTo(true))
                .body("config.accessControlList", hasSize(3));

        as(VIEWER).get("/api/v1/clusters/{id}/network-config/history", cluster).then().statusCode(200)
                .body("revision", contains(1, 2))
                .body("actor", contains("test-admin", "test-admin"))
                .body("[0].changes", contains("created"))
                .body("[1].changes", contains("/tunnel/enabled: false -> true"));
        as(VIEWER).get("/api/v1/clusters").then().body("clusterId", hasItem(cluster));

        as(ADMIN).delete("/api/v1/clusters/{id}/network-config", cluster).then().statusCode(428);
        as(ADMIN).header("If-Match", "\"2\"").delete("/api/v1/clusters/{id}/network-config", cluster).then()
                .statusCode(200).body("revision", equalTo(3));
        as(VIEWER).get("/api/v1/clusters/{id}/network-config", cluster).then().statusCode(404)
                .contentType("application/problem+json");

        List<ConfigTopic.Entry> all = ConfigTopic.of(TestBrokers.bootstrapServers(), cluster);
        assertThat(all).hasSize(4);
        assertThat(all.get(2).event().config().disabled()).as("revision 3 disables both modes").isTrue();
        assertThat(all.get(3).event()).as("then the tombstone").isNull();
    }

    @Test
    void aDryRunAnswersWithTheDocumentTheChangeWouldPublishAndPublishesNothing() {
        String cluster = "dry-run";
        as(ADMIN).queryParam("dryRun", true).body("{\"accessControlList\":\"203.0.113.0/24\"}")
                .put("/api/v1/clusters/{id}/network-config", cluster).then().statusCode(200)
                .body("dryRun", equalTo(true))
                .body("config.accessControlList", contains("203.0.113.0/24", "100.64.0.0/10"))
                .body("warnings[0]", startsWith("added 100.64.0.0/10"));
        as(ADMIN).queryParam("dryRun", true).contentType("application/merge-patch+json").body("{}")
                .patch("/api/v1/clusters/{id}/network-config", cluster).then().statusCode(404);
        as(ADMIN).body("{}").put("/api/v1/clusters/{id}/network-config", cluster).then().statusCode(201);
        as(ADMIN).queryParam("dryRun", true).contentType("application/merge-patch+json").body("{\"tunnel\":{\"vni\":0}}")
                .patch("/api/v1/clusters/{id}/network-config", cluster).then().statusCode(400)
                .body("errors.pointer", hasItem("/tunnel/vni"));
        as(VIEWER).queryParam("dryRun", true).body("{}").put("/api/v1/clusters/{id}/network-config", cluster).then().statusCode(403);

        assertThat(ConfigTopic.of(TestBrokers.bootstrapServers(), cluster)).extracting(e -> e.event().revision())
                .as("only the real PUT was published").containsExactly(1L);
    }

    @Test
    void ofConcurrentWritersWithTheSameIfMatchExactlyOneWins() throws Exception {
        String cluster = "contended";
        as(ADMIN).body("{}").put("/api/v1/clusters/{id}/network-config", cluster).then().statusCode(201);
        int writers = 8;
        List<Callable<Integer>> attempts = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            String body = "{\"cloud\":{\"eipBandwidthMbps\":" + (10 + i) + "}}";
            attempts.add(() -> as(ADMIN).header("If-Match", "\"1\"").body(body)
                    .put("/api/v1/clusters/{id}/network-config", cluster).then().extract().statusCode());
        }
        List<Integer> statuses;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            statuses = executor.invokeAll(attempts).stream().map(NetworkConfigResourceIT::get).toList();
        }

        assertThat(statuses.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting())))
                .containsEntry(200, 1L).containsEntry(412, (long) writers - 1);
        assertThat(ConfigTopic.of(TestBrokers.bootstrapServers(), cluster)).extracting(e -> e.event().revision())
                .containsExactly(1L, 2L);
    }

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType("application/json");
    }

    private static org.hamcrest.Matcher<String> endsWithPath(String path) {
        return org.hamcrest.Matchers.endsWith(path);
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
