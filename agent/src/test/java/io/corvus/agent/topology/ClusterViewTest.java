package io.corvus.agent.topology;

import static io.corvus.agent.topology.Topologies.cloud;
import static io.corvus.agent.topology.Topologies.edge;
import static io.corvus.agent.topology.Topologies.member;
import static io.corvus.agent.topology.Topologies.proxy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.corvus.events.Raven;
import io.corvus.events.payload.AgentHeartbeat.Role;
import org.junit.jupiter.api.Test;

class ClusterViewTest {

    private final ClusterView view = ClusterView.empty("c1")
            .with(cloud("c1", 3, List.of("203.0.113.0/24"), proxy("cloud-1", "10.0.0.5", 10290), proxy("cloud-2", "10.0.0.6", null)))
            .with(edge("c1", "hangzhou", 5, 1, member("edge-1", "192.168.1.11"), member("edge-2", "192.168.1.12")));

    @Test
    void rolesFollowTheElectedEndpoints() {
        assertThat(view.rolesOf("cloud-1")).containsExactly(Role.PROXY_SERVER);
        assertThat(view.rolesOf("edge-1")).containsExactly(Role.PROXY_CLIENT);
        assertThat(view.rolesOf("edge-2")).as("a member that was not elected").isEmpty();
        assertThat(view.rolesOf("elsewhere")).isEmpty();
    }

    @Test
    void anEdgeGatewayDialsEveryCloudProxyEndpointAtItsPort() {
        assertThat(view.cloudProxyEndpoints()).containsExactly(new ClusterView.CloudEndpoint("cloud-1", "10.0.0.5", 10290),
                new ClusterView.CloudEndpoint("cloud-2", "10.0.0.6", Raven.PROXY_LINK_PORT));
        assertThat(view.edgeProxyEndpoints()).containsExactly("edge-1");
        assertThat(view.accessControlList()).containsExactly("203.0.113.0/24");
    }

    @Test
    void edgeNodesAreRoutedThroughTheirPoolByNameOrAddressAndCloudNodesNotAtAll() {
        assertThat(view.route("edge-2")).hasValue(new ClusterView.Route("hangzhou", "edge-2", "192.168.1.12"));
        assertThat(view.route("192.168.1.11")).hasValue(new ClusterView.Route("hangzhou", "edge-1", "192.168.1.11"));
        assertThat(view.route("cloud-1")).isEmpty();
        assertThat(view.route("10.9.9.9")).isEmpty();
        assertThat(view.proxyEndpointsOf("hangzhou")).containsExactly("edge-1");
    }

    @Test
    void onlyANewerGenerationReplacesAGatewayAndOtherClustersAreIgnored() {
        ClusterView older = view.with(edge("c1", "hangzhou", 4, 2, member("edge-1", "192.168.1.11"), member("edge-2", "192.168.1.12")));
        ClusterView newer = view.with(edge("c1", "hangzhou", 6, 2, member("edge-1", "192.168.1.11"), member("edge-2", "192.168.1.12")));
        ClusterView foreign = view.with(edge("c2", "hangzhou", 9, 2, member("edge-1", "192.168.1.11"), member("edge-2", "192.168.1.12")));

        assertThat(older).isSameAs(view);
        assertThat(foreign).isSameAs(view);
        assertThat(newer.rolesOf("edge-2")).containsExactly(Role.PROXY_CLIENT);
        assertThat(newer.generation()).isEqualTo(6);
        assertThat(newer.without("hangzhou").rolesOf("edge-1")).isEmpty();
    }
}
