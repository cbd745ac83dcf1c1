package io.corvus.config.adapter.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.corvus.testing.KafkaBrokerTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/** The API's published face: the document's schema, the problem answers and the bearer scheme. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerTestResource.class, scope = TestResourceScope.GLOBAL)
class OpenApiIT {

    private static final String CONFIG = "paths.'/api/v1/clusters/{clusterId}/network-config'";

    @Test
    void theOpenApiDocumentShowsTheConfigurationsSchemaTheProblemsAndTheBearerScheme() {
        JsonPath api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();

        Map<String, Object> schema = api.getMap("components.schemas.NetworkConfig");
        assertThat(api.getMap("components.schemas.NetworkConfig.properties")).containsOnlyKeys("proxy", "tunnel",
                "accessControlList", "nodePools", "nodeLabels", "cloud");
        assertThat(schema).containsEntry("additionalProperties", false);
        assertThat(api.getList("components.schemas.NetworkConfig.properties.cloud.properties.provider.enum"))
                .containsExactly("local", "aliyun");
        assertThat(api.getString(CONFIG + ".put.requestBody.content.'application/json'.schema.$ref"))
                .isEqualTo("#/components/schemas/NetworkConfig");
        assertThat(api.getString(CONFIG + ".patch.requestBody.content.'application/merge-patch+json'.schema.$ref"))
                .isEqualTo("#/components/schemas/NetworkConfig");
        for (String status : List.of("400", "403", "412", "428")) {
            assertThat(api.getString(CONFIG + ".put.responses.'" + status + "'.content.'application/problem+json'.schema.$ref"))
                    .as("PUT answers " + status + " with a problem").isEqualTo("#/components/schemas/Problem");
        }
        assertThat(api.getString(CONFIG + ".get.responses.'200'.content.'application/json'.schema.$ref"))
                .isEqualTo("#/components/schemas/Revision");
        assertThat(api.getString("components.securitySchemes.bearer.scheme")).isEqualTo("bearer");
        assertThat(api.getList(CONFIG + ".put.security.bearer")).isNotNull();
    }
}
