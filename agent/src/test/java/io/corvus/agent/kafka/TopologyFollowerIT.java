package io.corvus.agent.kafka;

import static io.corvus.agent.topology.Topologies.cloud;
import static io.corvus.agent.topology.Topologies.neighbourOf;
import static io.corvus.agent.topology.Topologies.proxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.corvus.agent.SharedTopics;
import io.corvus.agent.topology.ClusterView;
import io.corvus.agent.topology.NodeIdentity;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.corvus.testing.TestBrokers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

class TopologyFollowerIT {

    /** Its own cluster: the compacted topology topic holds other tests' generations of test-cluster. */
    private static final String CLUSTER = "replaying-cluster";
    /** More records than one poll returns (Kafka's max.poll.records, 500), so that the replay spans polls. */
    private static final int NEIGHBOURS_RECORDS = 600;

    @Test
    void aStartingFollowerHandsOnTheTopologyAsItStandsNotARoleTheReplayPassesOnItsWay() throws Exception {
        String bootstrap = TestBrokers.bootstrapServers();
        SharedTopics.ensure(bootstrap);
        KafkaConnection connection = KafkaConnection.of(Map.of("bootstrap.servers", bootstrap));
        try (EventPublisher upstream = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(connection, "replay-test")),
                EventCodec.create(), "test")) {
            upstream.publish(cloud(CLUSTER, 1, List.of(), proxy("node-a", "10.0.0.1", null))).get();
            String neighbour = neighbourOf(CLUSTER);
            CompletableFuture<?> last = null;
            for (int generation = 1; generation <= NEIGHBOURS_RECORDS; generation++) {
                last = upstream.publish(cloud(neighbour, generation, List.of(), proxy("node-n", "10.0.9.1", null)));
            }
            last.get();
            upstream.publish(cloud(CLUSTER, 2, List.of(), proxy("node-b", "10.0.0.2", null))).get();

            List<ClusterView> handedOn = new CopyOnWriteArrayList<>();
            try (DeadLetters deadLetters = DeadLetters.connect(upstream, connection, "agent", Clock.systemUTC());
                    TopologyFollower follower = new TopologyFollower(new NodeIdentity(CLUSTER, "node-a"), connection, "replay-test",
                            EventCodec.create(), deadLetters, new SimpleMeterRegistry(), List.of(handedOn::add))) {
                follower.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> !handedOn.isEmpty());
                upstream.publish(cloud(CLUSTER, 3, List.of(), proxy("node-a", "10.0.0.1", null))).get();
                await().atMost(Duration.ofSeconds(60)).until(() -> handedOn.getLast().generation() == 3);
            }
            assertThat(handedOn).as("once the start's records are read, then as each comes").extracting(ClusterView::generation)
                    .containsExactly(2L, 3L);
            assertThat(handedOn.getFirst().rolesOf("node-a")).as("the role generation 2 took away").isEmpty();
        }
    }
}
