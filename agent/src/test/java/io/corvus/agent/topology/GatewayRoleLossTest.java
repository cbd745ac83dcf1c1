package io.corvus.agent.topology;

import static io.corvus.agent.topology.Topologies.cloud;
import static io.corvus.agent.topology.Topologies.edge;
import static io.corvus.agent.topology.Topologies.member;
import static io.corvus.agent.topology.Topologies.proxy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class GatewayRoleLossTest {

    private final List<String> told = new ArrayList<>();
    private final GatewayRoleLoss edge1 = new GatewayRoleLoss("edge-1", new GatewayRoleLoss.Listener() {
        @Override
        public void roleGone() {
            told.add("gone");
        }

        @Override
        public void roleBack() {
            told.add("back");
        }
    });
    private final ClusterView start = ClusterView.empty("c1").with(cloud("c1", 1, List.of(), proxy("cloud-1", "10.0.0.5", null)));

    @Test
    void aNodeThatNeverHeldAGatewayRoleLosesNothing() {
        edge1.apply(start);
        edge1.apply(start.with(edge("c1", "hangzhou", 1, 1, member("edge-2", "192.168.1.12"), member("edge-1", "192.168.1.11"))));
        edge1.apply(start.with(edge("c1", "hangzhou", 2, 0, member("edge-2", "192.168.1.12"), member("edge-1", "192.168.1.11"))));

        assertThat(told).isEmpty();
    }

    @Test
    void theRoleGoingToAnotherNodeIsOneLossAndLaterViewsWithoutItAreNoMore() {
        edge1.apply(start.with(edge("c1", "hangzhou", 1, 1, member("edge-1", "192.168.1.11"), member("edge-2", "192.168.1.12"))));
        edge1.apply(start.with(edge("c1", "hangzhou", 2, 1, member("edge-1", "192.168.1.11"), member("edge-2", "192.168.1.12"))));
        assertThat(told).as("the role kept over a new generation").isEmpty();

        edge1.apply(start.with(edge("c1", "hangzhou", 3, 1, member("edge-2", "192.168.1.12"), member("edge-1", "192.168.1.11"))));
        edge1.apply(start.with(edge("c1", "hangzhou", 4, 1, member("edge-2", "192.168.1.12"), member("edge-1", "192.168.1.11"))));

        assertThat(told).containsExactly("gone");
    }

    @Test
    void oneRoleOfTwoGoingIsNoLossTheLastOneIs() {
        ClusterView both = ClusterView.empty("c1").with(cloud("c1", 1, List.of(), proxy("edge-1", "10.0.0.5", null)))
                .with(edge("c1", "hangzhou", 1, 1, member("edge-1", "192.168.1.11")));
        edge1.apply(both);
        edge1.apply(both.without("cloud"));
        assertThat(told).isEmpty();

        edge1.apply(both.without("cloud").without("hangzhou"));
        assertThat(told).containsExactly("gone");
    }

    @Test
    void aRoleComingBackAfterALossIsToldOnceAndALaterLossAgain() {
        ClusterView gateway = start.with(edge("c1", "hangzhou", 1, 1, member("edge-1", "192.168.1.11")));
        edge1.apply(gateway);
        edge1.apply(start);
        edge1.apply(gateway);
        edge1.apply(gateway);
        edge1.apply(start);

        assertThat(told).containsExactly("gone", "back", "gone");
    }

    @Test
    void aRoleTakenForTheFirstTimeIsNoReturn() {
        edge1.apply(start);
        edge1.apply(start.with(edge("c1", "hangzhou", 1, 1, member("edge-1", "192.168.1.11"))));

        assertThat(told).isEmpty();
    }
}
