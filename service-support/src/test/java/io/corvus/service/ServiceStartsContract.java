package io.corvus.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

/**
 * What every Corvus service does before its own logic: it starts, answers {@code /q/health}, reaches
 * the broker, finds the catalog's topics, and exposes Prometheus metrics, its Kafka clients' and
 * its consuming loops' among them. Each service runs this
 * contract as a {@code @QuarkusTest} against the real broker.
 */
public abstract class ServiceStartsContract {

    @Test
    void itIsReadyOnceItReachesTheBrokerAndTheTopicsMatchTheCatalog() {
        var brokerCheck = hasItem("Kafka connection health check");
        given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", brokerDecidesReadiness() ? brokerCheck : not(brokerCheck))
                .body("checks.name", hasItem("corvus-topics"));
    }

    /** True for a service that cannot do its work without the broker; an agent forwards without it. */
    protected boolean brokerDecidesReadiness() {
        return true;
    }

    @Test
    void itIsAliveWhileItsConsumingLoopsRun() {
        given().when().get("/q/health/live").then()
                .statusCode(200)
                .body("checks.name", hasItem("corvus-event-pumps"));
    }

    /** Where the service serves Prometheus metrics (a service with a management port says so). */
    protected String metricsUrl() {
        return "/q/metrics";
    }

    @Test
    void itExposesPrometheusMetrics() {
        given().when().get(metricsUrl()).then()
                .statusCode(200)
                .body(containsString("jvm_threads_live_threads"))
                .body(containsString("kafka_producer_"), containsString("kafka_consumer_"))
                .body(containsString("corvus_events_handled_total{"), containsString("corvus_events_dead_lettered_total{"));
    }
}
