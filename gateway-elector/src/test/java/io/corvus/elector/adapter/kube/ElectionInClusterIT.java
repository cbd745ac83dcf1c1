package io.corvus.elector.adapter.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.corvus.elector.adapter.kafka.Heartbeats;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.TopicSnapshot;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.NodeObserved;
import io.corvus.testing.KafkaBrokerTestResource;
import io.corvus.testing.TestBrokers;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * The elector inside Kubernetes cluster k1: Nodes from the informer become node events, a
 * configuration and heartbeats lead to an election, silenced heartbeats to a failover within the
 * window (while another candidate is there; the last one goes only when its Node is NotReady), and
 * Events on the Nodes say who was elected and who lost the role.
 */
@QuarkusTest
@TestProfile(InClusterProfile.class)
@WithKubernetesTestServer(crud = true)
@WithTestResource(value = KafkaBrokerTestResource.class, scope = TestResourceScope.GLOBAL)
class ElectionInClusterIT {

    /** Heartbeats every 200 ms, three missed make a node stale (the test profile's settings). */
    private static final Duration WINDOW = Duration.ofMillis(600);

    @Inject
    KubernetesClient kubernetes;

    @Test
    void nodesFromTheInformerAreElectedAndAFailedGatewayIsReplacedWithinTheWindow() throws Exception {
        String bootstrap = TestBrokers.bootstrapServers();
        node("edge-1");
        node("edge-2");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TopicSnapshot.read(bootstrap, Topic.NODES, "k1/"))
                .extracting(TopicSnapshot.Entry::event).hasAtLeastOneElementOfType(NodeObserved.class)
                .extracting(e -> ((NodeObserved) e).nodeName()).contains("edge-1", "edge-2"));

        try (Heartbeats agents = new Heartbeats(bootstrap);
                EventPublisher configService = new EventPublisher(new KafkaProducer<>(
                        KafkaClients.producerConfig(bootstrap, "config-service-test")), EventCodec.create(), "config-service")) {
            agents.start("k1", "edge-1");
            agents.start("k1", "edge-2");
            configService.publish(new ConfigChanged("k1", 1, Instant.now(), "test", config())).get();

            GatewayTopology first = await().atMost(Duration.ofSeconds(30)).until(() -> latest(bootstrap),
                    t -> t != null && t.endpoints().size() == 1);
            String elected = first.endpoints().getFirst().nodeName();
            String other = elected.equals("edge-1") ? "edge-2" : "edge-1";
            assertThat(first.members()).extracting(GatewayTopology.Member::nodeName).containsExactly("edge-1", "edge-2");
            await().atMost(Duration.ofSeconds(10)).until(() -> hasEvent(elected, "ActiveEndpointElected"));

            agents.silence("k1", elected);
            Instant silenced = Instant.now();
            GatewayTopology failover = await().atMost(WINDOW.multipliedBy(10)).until(() -> latest(bootstrap),
                    t -> t != null && !t.endpoints().isEmpty() && t.endpoints().getFirst().nodeName().equals(other));
            System.out.printf("failover: new topology %d ms after the last heartbeat of %s (window %d ms)%n",
                    Duration.between(silenced, Instant.now()).toMillis(), elected, WINDOW.toMillis());
            assertThat(failover.generation()).isGreaterThan(first.generation());
            assertThat(failover.changes()).extracting(GatewayTopology.EndpointChange::nodeName, GatewayTopology.EndpointChange::cause)
                    .as("the topology says who went, why, and who came").containsExactly(
                            tuple(elected, GatewayTopology.Cause.HEARTBEAT_STALE), tuple(other, GatewayTopology.Cause.REPLACEMENT));
            await().atMost(Duration.ofSeconds(10)).until(() -> hasEvent(elected, "ActiveEndpointLost"));
            assertThat(eventMessages(elected)).anyMatch(message -> message.contains("HEARTBEAT_STALE: heartbeat "));

            agents.silence("k1", other);
            // late heartbeats alone keep a pool's last candidate: several windows pass with nothing published
            await().during(WINDOW.multipliedBy(5)).atMost(WINDOW.multipliedBy(10))
                    .until(() -> latest(bootstrap).generation() == failover.generation());
            kubernetes.nodes().withName(other).edit(node -> {
                node.getStatus().getConditions().getFirst().setStatus("False");
                return node;
            });
            GatewayTopology none = await().atMost(Duration.ofSeconds(30)).until(() -> latest(bootstrap),
                    t -> t != null && t.generation() > failover.generation());
            assertThat(none.endpoints()).as("its Node NotReady: an empty set, never a stale one").isEmpty();
            assertThat(none.changes()).extracting(GatewayTopology.EndpointChange::cause).containsExactly(GatewayTopology.Cause.NODE_NOT_READY);

            kubernetes.nodes().withName("edge-2").delete();
            await().atMost(Duration.ofSeconds(30)).until(() -> TopicSnapshot.read(bootstrap, Topic.NODES, "k1/edge-2")
                    .getLast().event() == null);
        }
        List<Long> generations = TopicSnapshot.read(bootstrap, Topic.TOPOLOGY, "k1/edge-a").stream()
                .map(e -> ((GatewayTopology) e.event()).generation()).toList();
        assertThat(generations).isSorted().doesNotHaveDuplicates();
    }

    private static GatewayTopology latest(String bootstrap) {
        List<TopicSnapshot.Entry> entries = TopicSnapshot.read(bootstrap, Topic.TOPOLOGY, "k1/edge-a");
        return entries.isEmpty() ? null : (GatewayTopology) entries.getLast().event();
    }

    private List<String> eventMessages(String node) {
        return kubernetes.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> node.equals(e.getInvolvedObject().getName())).map(Event::getMessage).toList();
    }

    private boolean hasEvent(String node, String reason) {
        List<Event> events = kubernetes.v1().events().inNamespace("default").list().getItems();
        return events.stream().anyMatch(e -> node.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()));
    }

    private void node(String name) {
        kubernetes.nodes().resource(new NodeBuilder()
                .withNewMetadata().withName(name).withLabels(Map.of("apps.openyurt.io/nodepool", "edge-a",
                        "openyurt.io/is-edge-worker", "true")).endMetadata()
                .withNewSpec().withPodCIDR("10.244." + name.charAt(name.length() - 1) + ".0/24").endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition()
                .addNewAddress().withType("InternalIP").withAddress("192.168.1." + name.charAt(name.length() - 1)).endAddress()
                .endStatus().build()).create();
    }

    private static NetworkConfig config() {
        return new NetworkConfig(new NetworkConfig.ModeSettings(true), NetworkConfig.TunnelSettings.OFF.enabled(false), List.of(), Map.of(),
                new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool", "openyurt.io/is-edge-worker=true"),
                NetworkConfig.CloudSettings.local(100));
    }
}
