package io.corvus.agent.proxy;

import static io.corvus.agent.topology.Topologies.edge;
import static io.corvus.agent.topology.Topologies.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyTest {

    private final DialPolicy policy = new DialPolicy(edge("c1", "hangzhou", 1, 1, member("edge-1", "192.168.1.11"),
            member("edge-2", "192.168.1.12")), Set.of(10250, 10255, 9100));

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "edge-2:10250        | dial 192.168.1.12:10250",
            "192.168.1.11:9100   | dial 192.168.1.11:9100",
            "edge-2:22           | 403 port 22 is not allowed; allowed: [9100, 10250, 10255]",
            "10.0.0.5:10250      | 403 10.0.0.5 is not a node of pool hangzhou",
            "cloud-1:10250       | 403 cloud-1 is not a node of pool hangzhou",
            "kubernetes.default.svc:443 | 403 port 443 is not allowed; allowed: [9100, 10250, 10255]",
            "edge-2              | 400 target 'edge-2' has no port: name it as host:port, like edge-1:10250",
            "edge-2:99999        | 400 target port '99999' is not a port from 1 to 65535",
            "Edge_2:10250        | 400 target host 'Edge_2' is neither a node name nor an address"})
    void theEdgeDialsOnlyNodesOfItsOwnPoolOnAllowedPorts(String target, String outcome) {
        String actual = switch (policy.decide(target)) {
            case DialPolicy.Allowed a -> "dial " + a.address() + ":" + a.port();
            case DialPolicy.Refused r -> r.status() + " " + r.reason();
        };
        assertThat(actual).isEqualTo(outcome);
    }

    @Test
    void aNodeThatGatesNoEdgePoolDialsNothing() {
        assertThat(new DialPolicy(null, Set.of(10250)).decide("edge-2:10250"))
                .isEqualTo(new DialPolicy.Refused(403, "this node is not the gateway of an edge pool"));
    }

    @Property(tries = 2000)
    void noTargetTextCrashesTheParserAndEveryRefusalSaysWhy(@ForAll String anything) {
        DialPolicy.Decision decision = policy.decide(anything);
        if (decision instanceof DialPolicy.Refused refused) {
            assertThat(refused.reason()).isNotBlank().doesNotContainPattern("\\p{Cntrl}").hasSizeLessThan(400);
        }
    }

    @ParameterizedTest(name = "{0} {1} Host {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
            "CONNECT | edge-1:10250                          |                 | edge-1:10250",
            "GET     | /metrics                              | edge-1:9100     | edge-1:9100",
            "GET     | /metrics                              | edge-1          | edge-1:10255",
            "GET     | /metrics?nodeName=edge-2              | proxy.local:9100 | edge-2:9100",
            "GET     | http://192.168.1.12:10255/pods         | proxy.local     | 192.168.1.12:10255"})
    void aFrontDoorRequestNamesItsTarget(String method, String uri, String host, String target) {
        assertThat(FrontTarget.of(method, uri, host)).hasToString(target);
    }

    @Test
    void aRequestThatNamesNoTargetIsToldHow() {
        assertThatThrownBy(() -> FrontTarget.of("GET", "/metrics", null)).hasMessageContaining("CONNECT host:port");
    }

    @Test
    void theWhitelistAdmitsItsNetworksOnlyAndAnEmptyOneAdmitsAll() throws Exception {
        SourceWhitelist whitelist = SourceWhitelist.of(List.of("203.0.113.0/24", "100.64.0.0/10"));

        assertThat(whitelist.allows(InetAddress.getByName("203.0.113.9"))).isTrue();
        assertThat(whitelist.allows(InetAddress.getByName("100.100.3.4"))).isTrue();
        assertThat(whitelist.allows(InetAddress.getByName("198.51.100.7"))).isFalse();
        assertThat(SourceWhitelist.of(List.of()).allows(InetAddress.getByName("198.51.100.7"))).isTrue();
        assertThat(SourceWhitelist.of(List.of("not-a-cidr")).allows(InetAddress.getByName("198.51.100.7")))
                .as("a whitelist of nothing valid admits nothing").isFalse();
    }
}
