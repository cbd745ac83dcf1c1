package io.corvus.elector.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Raven;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.TopicBootstrap;
import io.corvus.events.kafka.TopicSnapshot;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.NodeObserved;
import io.corvus.kafka.broker.KraftBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two elector replicas in one consumer group: each cluster has exactly one publisher, and when a
 * replica leaves and comes back the generations on the topic continue without repeat or gap. The
 * test has a broker of its own: an elector left running by another test class would otherwise join
 * the group and publish too.
 */
class ElectorReplicasIT {

    private static final List<String> CLUSTERS = IntStream.range(0, 8).mapToObj(i -> "rep" + i).toList();

    @Test
    void eachClusterHasOnePublisherAndGenerationsContinueAcrossAReplicaLeavingAndReturning(@TempDir Path data) throws Exception {
        try (KraftBroker broker = KraftBroker.start(data, 0)) {
            eachClusterHasOnePublisherAndGenerationsContinue(broker.bootstrapServers());
        }
    }

    private static void eachClusterHasOnePublisherAndGenerationsContinue(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            new TopicBootstrap(admin).ensureTopics();
        }
        Set<Integer> partitionsOfClusters = CLUSTERS.stream().map(c -> ClusterPartitioner.partitionFor(c, Topic.PARTITIONS))
                .collect(Collectors.toSet());
        assertThat(partitionsOfClusters).as("the clusters spread over several partitions").hasSizeGreaterThan(3);

        try (Heartbeats agents = new Heartbeats(bootstrap);
                EventPublisher upstream = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrap, "upstream")),
                        EventCodec.create(), "test")) {
            ElectorReplica a = new ElectorReplica(bootstrap);
            try (ElectorReplica b = new ElectorReplica(bootstrap)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !a.owned().isEmpty() && !b.owned().isEmpty()
                        && a.owned().size() + b.owned().size() == Topic.PARTITIONS);
                assertThat(a.owned()).doesNotContainAnyElementsOf(b.owned());

                for (String cluster : CLUSTERS) {
                    upstream.publish(new ConfigChanged(cluster, 1, Instant.now(), "test", config())).get();
                    for (String node : List.of("n1", "n2")) {
                        upstream.publish(node(cluster, node)).get();
                        agents.start(cluster, node);
                    }
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> CLUSTERS.stream().allMatch(c -> electedNode(bootstrap, c) != null));

                Set<String> both = new HashSet<>(a.publishedClusters);
                both.retainAll(b.publishedClusters);
                assertThat(both).as("no cluster was published by both replicas").isEmpty();
                assertThat(a.publishedClusters.size() + b.publishedClusters.size()).isEqualTo(CLUSTERS.size());

                a.close();
                await().atMost(Duration.ofSeconds(60)).until(() -> b.owned().size() == Topic.PARTITIONS);
                failOverEveryCluster(bootstrap, agents);
            }
            try (ElectorReplica restarted = new ElectorReplica(bootstrap)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> restarted.owned().size() == Topic.PARTITIONS);
                failOverEveryCluster(bootstrap, agents);
            }
        }

        for (String cluster : CLUSTERS) {
            List<Long> generations = topologies(bootstrap, cluster).stream().map(GatewayTopology::generation).toList();
            assertThat(generations).as(cluster).containsExactlyElementsOf(
                    LongStream.rangeClosed(1, generations.size()).boxed().toList());
            assertThat(generations).as(cluster + ": the first election and two failovers").hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void twoReplicasClassifyEveryNodeByItsOwnClustersLabelKeys(@TempDir Path data) throws Exception {
        try (KraftBroker broker = KraftBroker.start(data, 0)) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                new TopicBootstrap(admin).ensureTopics();
            }
            try (Heartbeats agents = new Heartbeats(bootstrap);
                    EventPublisher upstream = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrap, "upstream")),
                            EventCodec.create(), "test");
                    ElectorReplica a = new ElectorReplica(bootstrap);
                    ElectorReplica b = new ElectorReplica(bootstrap)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !a.owned().isEmpty() && !b.owned().isEmpty()
                        && a.owned().size() + b.owned().size() == Topic.PARTITIONS);
                // each cluster names its own keys; a node carries the keys of its cluster and, as a decoy, Raven's
                for (String cluster : CLUSTERS) {
                    NetworkConfig.NodeLabels keys = new NetworkConfig.NodeLabels(cluster + ".example.com/pool",
                            cluster + ".example.com/site=edge");
                    upstream.publish(new ConfigChanged(cluster, 1, Instant.now(), "test", config(keys))).get();
                    upstream.publish(NodeObserved.of(cluster, "n1", Map.of(keys.nodePoolKey(), "shop-" + cluster,
                            cluster + ".example.com/site", "edge", Raven.DEFAULT_NODE_POOL_KEY, "decoy"), true, List.of("192.168.0.1"),
                            List.of(), List.of("10.244.0.0/24"), Instant.now())).get();
                    agents.start(cluster, "n1");
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> CLUSTERS.stream().allMatch(c -> {
                    List<GatewayTopology> shop = TopicSnapshot.read(bootstrap, Topic.TOPOLOGY, c + "/shop-" + c).stream()
                            .map(e -> (GatewayTopology) e.event()).toList();
                    return !shop.isEmpty() && !shop.getLast().endpoints().isEmpty();
                }));
                assertThat(a.publishedClusters).as("replica a published some clusters").isNotEmpty();
                assertThat(b.publishedClusters).as("replica b published some clusters").isNotEmpty();
                for (String cluster : CLUSTERS) {
                    List<GatewayTopology> gateways = TopicSnapshot.read(bootstrap, Topic.TOPOLOGY, cluster + "/").stream()
                            .map(e -> (GatewayTopology) e.event()).toList();
                    assertThat(gateways).as(cluster).allSatisfy(g -> {
                        assertThat(g.gatewayName()).isEqualTo("shop-" + cluster);
                        assertThat(g.edge()).isTrue();
                    });
                }
            }
        }
    }

    /** Silences each cluster's elected node and waits for the other one to take over (and beats again for it). */
    private static void failOverEveryCluster(String bootstrap, Heartbeats agents) {
        for (String cluster : CLUSTERS) {
            String elected = electedNode(bootstrap, cluster);
            String other = elected.equals("n1") ? "n2" : "n1";
            agents.silence(cluster, elected);
            await().atMost(Duration.ofSeconds(30)).until(() -> other.equals(electedNode(bootstrap, cluster)));
            agents.start(cluster, elected);
        }
    }

    private static String electedNode(String bootstrap, String cluster) {
        List<GatewayTopology> topologies = topologies(bootstrap, cluster);
        if (topologies.isEmpty() || topologies.getLast().endpoints().isEmpty()) {
            return null;
        }
        return topologies.getLast().endpoints().getFirst().nodeName();
    }

    private static List<GatewayTopology> topologies(String bootstrap, String cluster) {
        return TopicSnapshot.read(bootstrap, Topic.TOPOLOGY, cluster + "/pool").stream()
                .map(e -> (GatewayTopology) e.event()).toList();
    }

    private static NodeObserved node(String cluster, String name) {
        return NodeObserved.of(cluster, name, Map.of(Raven.DEFAULT_NODE_POOL_KEY, "pool", "openyurt.io/is-edge-worker", "true"), true,
                List.of("192.168.0.1"), List.of(), List.of("10.244.0.0/24"), Instant.now());
    }

    static NetworkConfig config() {
        return config(NetworkConfig.NodeLabels.DEFAULTS);
    }

    private static NetworkConfig config(NetworkConfig.NodeLabels keys) {
        return new NetworkConfig(new NetworkConfig.ModeSettings(true), NetworkConfig.TunnelSettings.OFF.enabled(false), List.of(), Map.of(),
                keys, NetworkConfig.CloudSettings.local(100));
    }
}
