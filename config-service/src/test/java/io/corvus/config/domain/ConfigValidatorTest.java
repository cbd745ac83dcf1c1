package io.corvus.config.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.corvus.events.payload.NetworkConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

public class ConfigValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A bad document, the JSON Pointer its violation must name, and words the explanation must contain. */
    public static Stream<Arguments> badDocuments() {
        return Stream.of(
                bad("{\"accessControlList\":[\"10.0.0.1/33\"]}", "/accessControlList/0", "it must be 0 to 32"),
                bad("{\"accessControlList\":[\"10.0.0.1/24\"]}", "/accessControlList/0", "the network is 10.0.0.0/24"),
                bad("{\"accessControlList\":[\"::1/129\"]}", "/accessControlList/0", "it must be 0 to 128"),
                bad("{\"accessControlList\":[\"1.2.3/24\"]}", "/accessControlList/0", "four octets"),
                bad("{\"accessControlList\":[\"203.0.113.0/24\",\" 198.51.100.7/32\"]}", "/accessControlList/1", "spaces"),
                bad("{\"accessControlList\":\"203.0.113.0/24, 198.51.100.7/32\"}", "/accessControlList/1", "spaces"),
                bad("{\"accessControlList\":[\"203.0.113.0 /24\"]}", "/accessControlList/0", "spaces"),
                bad("{\"accessControlList\":[\"\"]}", "/accessControlList/0", "empty"),
                bad("{\"accessControlList\":\"203.0.113.0/24,,198.51.100.7/32\"}", "/accessControlList/1", "empty"),
                bad("{\"accessControlList\":\"203.0.113.0/24,\"}", "/accessControlList/1", "ends with a comma"),
                bad("{\"accessControlList\":[\"203.0.113.0/24\",\"203.0.113.0/24\"]}", "/accessControlList/1", "repeats entry 0"),
                bad("{\"accessControlList\":[\"2001:db8::/32\",\"2001:DB8::/32\"]}", "/accessControlList/1", "repeats entry 0"),
                bad("{\"accessControlList\":[\"1.2.3.4\"]}", "/accessControlList/0", "1.2.3.4/32"),
                bad("{\"accessControlList\":[42]}", "/accessControlList/0", "got a number"),
                bad("{\"accessControlList\":{\"a\":1}}", "/accessControlList", "got an object"),
                bad("{\"accessControlList\":true}", "/accessControlList", "got a boolean"),
                bad(aclOf(301), "/accessControlList", "at most 300"),
                bad(aclOf(300), "/accessControlList", "with 100.64.0.0/10"),
                bad("{\"proxy\":{\"enabled\":\"yes\"}}", "/proxy/enabled", "true or false"),
                bad("{\"proxy\":true}", "/proxy", "must be an object"),
                bad("{\"tunnel\":{\"enabled\":1}}", "/tunnel/enabled", "true or false"),
                bad("{\"tunnel\":{\"enabled\":true,\"mode\":\"ipsec\"}}", "/tunnel/mode", "unknown field"),
                bad("{\"proxyEnabled\":true}", "/proxyEnabled", "allowed here: accessControlList, cloud"),
                bad("{\"nodePools\":{\"pool-a\":{\"proxyReplicas\":0}}}", "/nodePools/pool-a/proxyReplicas", "1 to 10"),
                bad("{\"nodePools\":{\"pool-a\":{\"proxyReplicas\":11}}}", "/nodePools/pool-a/proxyReplicas", "1 to 10"),
                bad("{\"nodePools\":{\"pool-a\":{\"tunnelReplicas\":2}}}", "/nodePools/pool-a/tunnelReplicas", "0 to 1"),
                bad("{\"nodePools\":{\"pool-a\":{\"proxyReplicas\":1.5}}}", "/nodePools/pool-a/proxyReplicas", "whole number"),
                bad("{\"nodePools\":{\"pool-a\":{\"proxyReplicas\":\"2\"}}}", "/nodePools/pool-a/proxyReplicas", "got a string"),
                bad("{\"nodePools\":{\"Pool_A\":{}}}", "/nodePools/Pool_A", "DNS-1123 subdomain"),
                bad("{\"nodePools\":{\"a/b\":{}}}", "/nodePools/a~1b", "DNS-1123 subdomain"),
                bad("{\"nodePools\":[]}", "/nodePools", "must be an object"),
                bad("{\"nodeLabels\":{\"nodePoolKey\":\"bad key!\"}}", "/nodeLabels/nodePoolKey", "label key"),
                bad("{\"nodeLabels\":{\"edgeNodeLabel\":\"openyurt.io/is-edge-worker\"}}", "/nodeLabels/edgeNodeLabel", "key=value"),
                bad("{\"cloud\":{\"provider\":\"aws\"}}", "/cloud/provider", "one of local, aliyun"),
                bad("{\"cloud\":{\"provider\":\"aliyun\",\"vpcId\":\"vpc-a\",\"vSwitchId\":\"vsw-a\"}}", "/cloud/regionId",
                        "required when cloud.provider is aliyun"),
                bad("{\"cloud\":{\"regionId\":\"Hangzhou\"}}", "/cloud/regionId", "like cn-hangzhou"),
                bad("{\"cloud\":{\"eipBandwidthMbps\":0}}", "/cloud/eipBandwidthMbps", "1 to 1000"),
                bad("{\"cloud\":{\"eipChargeType\":\"Free\"}}", "/cloud/eipChargeType", "PayByTraffic, PayByBandwidth"),
                bad("{\"cloud\":{\"accessKeySecret\":\"s3cr3t\"}}", "/cloud/accessKeySecret", "credentials never go in the configuration"),
                bad("[]", "", "must be an object"),
                bad("\"proxy\"", "", "must be an object"),
                bad("null", "", "must be an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDocuments")
    void aBadDocumentIsRejectedNamingThePlaceAndTheFix(String shown, String pointer, String detail, String json) throws Exception {
        Validation result = ConfigValidator.validate(JSON.readValue(json, Object.class));

        assertThat(result).isInstanceOf(Validation.Rejected.class);
        assertThat(((Validation.Rejected) result).violations())
                .anySatisfy(v -> {
                    assertThat(v.pointer()).isEqualTo(pointer);
                    assertThat(v.detail()).contains(detail);
                });
    }

    @Test
    void anEmptyDocumentTakesEveryDefault() {
        NetworkConfig config = accepted("{}").config();

        assertThat(config.proxy().enabled()).isTrue();
        assertThat(config.tunnel().enabled()).isFalse();
        assertThat(config.accessControlList()).isEmpty();
        assertThat(config.nodeLabels()).isEqualTo(new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool",
                "openyurt.io/is-edge-worker=true"));
        assertThat(config.cloud()).isEqualTo(NetworkConfig.CloudSettings.local(100));
    }

    @Test
    void aWhitelistWithoutTheHealthCheckRangeGetsItAndSaysSo() {
        Validation.Accepted accepted = accepted("{\"accessControlList\":\"203.0.113.0/24,198.51.100.7/32\"}");

        assertThat(accepted.config().accessControlList()).containsExactly("203.0.113.0/24", "198.51.100.7/32", "100.64.0.0/10");
        assertThat(accepted.warnings()).singleElement().asString().startsWith("added 100.64.0.0/10 to accessControlList");
    }

    @Test
    void aWhitelistThatHasTheRangeIsKeptAsItIs() {
        Validation.Accepted accepted = accepted("{\"accessControlList\":[\"100.64.0.0/10\",\"203.0.113.0/24\"]}");

        assertThat(accepted.config().accessControlList()).containsExactly("100.64.0.0/10", "203.0.113.0/24");
        assertThat(accepted.warnings()).isEmpty();
    }

    @Test
    void anEmptyWhitelistAllowsEverySourceAndGetsNoRange() {
        assertThat(accepted("{\"accessControlList\":\"\"}").config().accessControlList()).isEmpty();
        assertThat(accepted("{\"accessControlList\":[]}").config().accessControlList()).isEmpty();
    }

    @Test
    void ipv6EntriesAreStoredInCanonicalFormWithAWarning() {
        Validation.Accepted accepted = accepted("{\"accessControlList\":[\"2001:DB8:0::/32\",\"100.64.0.0/10\"]}");

        assertThat(accepted.config().accessControlList()).containsExactly("2001:db8::/32", "100.64.0.0/10");
        assertThat(accepted.warnings()).singleElement().asString().contains("was written as 2001:db8::/32");
    }

    @Test
    void allViolationsAreReportedAtOnce() throws Exception {
        Validation result = ConfigValidator.validate(JSON.readValue(
                "{\"proxy\":{\"enabled\":\"no\"},\"accessControlList\":[\"10.0.0.1/33\"],\"extra\":1}", Object.class));

        assertThat(((Validation.Rejected) result).violations()).extracting(Violation::pointer)
                .containsExactlyInAnyOrder("/proxy/enabled", "/accessControlList/0", "/extra");
    }

    @Test
    void aFullAliyunDocumentIsAccepted() {
        NetworkConfig config = accepted("""
                {"proxy":{"enabled":true},"tunnel":{"enabled":true},
                 "accessControlList":["203.0.113.0/24","100.64.0.0/10"],
                 "nodePools":{"hangzhou-edge":{"proxyReplicas":2,"tunnelReplicas":0}},
                 "nodeLabels":{"nodePoolKey":"apps.openyurt.io/nodepool","edgeNodeLabel":"openyurt.io/is-edge-worker=true"},
                 "cloud":{"provider":"aliyun","regionId":"cn-hangzhou","vpcId":"vpc-bp1abc","vSwitchId":"vsw-bp1abc",
                          "eipBandwidthMbps":200,"eipChargeType":"PayByBandwidth"}}""").config();

        assertThat(config.nodePools()).containsEntry("hangzhou-edge", new NetworkConfig.NodePoolSettings(2, 0));
        assertThat(config.cloud().provider()).isEqualTo("aliyun");
        assertThat(ConfigValidator.validate(ConfigDocument.of(config))).as("the document of a config validates to it")
                .isEqualTo(new Validation.Accepted(config, List.of()));
    }

    private static Validation.Accepted accepted(String json) {
        try {
            Validation result = ConfigValidator.validate(JSON.readValue(json, Object.class));
            assertThat(result).isInstanceOf(Validation.Accepted.class);
            return (Validation.Accepted) result;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Arguments bad(String json, String pointer, String detail) {
        return Arguments.of(json.length() > 120 ? json.substring(0, 117) + "..." : json, pointer, detail, json);
    }

    /** A whitelist of n distinct /32 entries, without the health-check range. */
    static String aclOf(int n) {
        List<String> entries = new ArrayList<>();
        IntStream.range(0, n).forEach(i -> entries.add("\"10.0." + (i / 256) + "." + (i % 256) + "/32\""));
        return "{\"accessControlList\":[" + String.join(",", entries) + "]}";
    }
}
