package io.corvus.elector.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.KafkaConnection;
import io.corvus.events.kafka.TopicBootstrap;
import io.corvus.events.kafka.TopicSnapshot;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.service.work.ClusterWorkQueue;
import io.corvus.testing.TestBrokers;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two replicas' publishers for one partition on the real broker: the one that took it last is the only one heard. */
class FencedTopologyPublisherIT {

    private static String bootstrap;

    @BeforeAll
    static void topics() {
        bootstrap = TestBrokers.bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            new TopicBootstrap(admin).ensureTopics();
        }
    }

    @Test
    void aReplicaWhosePartitionWasTakenPublishesNothingMoreThereThoughItStillBelievesItOwnsIt() throws Exception {
        String cluster = "fenced-" + System.nanoTime();
        List<Integer> partition = List.of(ClusterPartitioner.partitionFor(cluster, Topic.PARTITIONS));
        try (FencedTopologyPublisher paused = publisher("elector-a"); FencedTopologyPublisher successor = publisher("elector-b")) {
            paused.own(partition);
            paused.publish(List.of(topology(cluster, 1, "first-choice")));

            successor.own(partition); // the group moved the partition while the first replica was paused; it was not told

            assertThatThrownBy(() -> paused.publish(List.of(topology(cluster, 2, "zombie-choice"))))
                    .isInstanceOf(ClusterWorkQueue.Fenced.class);
            successor.publish(List.of(topology(cluster, 2, "successor-choice")));
            assertThatThrownBy(() -> paused.publish(List.of(topology(cluster, 3, "zombie-choice")))).as("and it stays fenced")
                    .isInstanceOf(ClusterWorkQueue.Fenced.class);
        }

        assertThat(TopicSnapshot.read(bootstrap, Topic.TOPOLOGY, cluster + "/")).extracting(TopicSnapshot.Entry::event)
                .map(event -> (GatewayTopology) event)
                .extracting(GatewayTopology::generation, topology -> topology.endpoints().getFirst().nodeName())
                .as("what readers (read_committed) see").containsExactly(
                        tuple(1L, "first-choice"), tuple(2L, "successor-choice"));
    }

    @Test
    void theGatewaysOneElectionChangedAreCommittedTogetherAndOnlyOneClustersAtATime() throws Exception {
        String cluster = "together-" + System.nanoTime();
        try (FencedTopologyPublisher publisher = publisher("elector-d")) {
            publisher.own(List.of(ClusterPartitioner.partitionFor(cluster, Topic.PARTITIONS)));

            publisher.publish(List.of(topology(cluster, "edge-1", 1, "n1"), topology(cluster, "edge-2", 1, "n2")));

            assertThatThrownBy(() -> publisher.publish(List.of(topology(cluster, "edge-1", 2, "n1"),
                    topology("another-" + cluster, "edge-1", 1, "n9")))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("one cluster's topologies");
        }
        assertThat(TopicSnapshot.read(bootstrap, Topic.TOPOLOGY, cluster + "/")).extracting(TopicSnapshot.Entry::event)
                .map(event -> ((GatewayTopology) event).gatewayName()).containsExactly("edge-1", "edge-2");
    }

    @Test
    void aPartitionThisReplicaNeverTookIsNeverPublished() {
        String cluster = "unowned-" + System.nanoTime();
        try (FencedTopologyPublisher publisher = publisher("elector-c")) {
            assertThatThrownBy(() -> publisher.publish(List.of(topology(cluster, 1, "n1")))).isInstanceOf(ClusterWorkQueue.Fenced.class);
        }
        assertThat(TopicSnapshot.read(bootstrap, Topic.TOPOLOGY, cluster + "/")).isEmpty();
    }

    private static FencedTopologyPublisher publisher(String service) {
        return new FencedTopologyPublisher(KafkaConnection.plain(bootstrap), EventCodec.create(), service);
    }

    private static GatewayTopology topology(String cluster, long generation, String endpoint) {
        return topology(cluster, "edge", generation, endpoint);
    }

    private static GatewayTopology topology(String cluster, String gateway, long generation, String endpoint) {
        return new GatewayTopology(cluster, gateway, generation, gateway, true, true, false,
                List.of(GatewayTopology.Endpoint.proxy(endpoint, "192.168.0.1")), List.of(), null, List.of(), Instant.now(), null);
    }
}
