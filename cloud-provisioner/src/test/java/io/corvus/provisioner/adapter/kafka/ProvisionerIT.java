package io.corvus.provisioner.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.TopicSnapshot;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.CorvusEvent;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.ProvisioningStep.Step;
import io.corvus.events.payload.ProvisioningStep;
import io.corvus.testing.KafkaBrokerTestResource;
import io.corvus.testing.TestBrokers;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(InClusterProfile.class)
@WithKubernetesTestServer(crud = true)
@WithTestResource(value = KafkaBrokerTestResource.class, scope = TestResourceScope.GLOBAL)
class ProvisionerIT {

    @Inject
    KubernetesClient kubernetes;

    @Test
    void aConfigurationIsProvisionedIntoRavenCfgAndReleasedWhenDisabled() throws Exception {
        String bootstrap = TestBrokers.bootstrapServers();
        try (EventPublisher upstream = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrap, "upstream")),
                EventCodec.create(), "test")) {
            upstream.publish(cloudGateway()).get();
            upstream.publish(config(1, true)).get();

            await().atMost(Duration.ofSeconds(30)).until(() -> steps(bootstrap).contains(Step.READY));
            assertThat(steps(bootstrap)).containsSubsequence(Step.REQUESTED, Step.LB_READY, Step.EIP_ALLOCATED,
                    Step.ACL_APPLIED, Step.BACKENDS_UPDATED, Step.LISTENERS_READY, Step.READY);
            ConfigMap ravenCfg = kubernetes.configMaps().inNamespace("kube-system").withName("raven-cfg").get();
            assertThat(ravenCfg.getData()).containsOnlyKeys("acl-id", "acl-entry", "eip-id", "eip-ip", "enable-l3-tunnel",
                    "enable-l7-proxy", "loadbalancer-id", "loadbalancer-ip");
            assertThat(ravenCfg.getData()).containsEntry("enable-l7-proxy", "true").containsEntry("acl-entry", "203.0.113.0/24,100.64.0.0/10");
            assertThat(ravenCfg.getData().get("eip-ip")).startsWith("198.51.100.");
            assertThat(events(bootstrap, Topic.CLOUD_STATE)).last().satisfies(state ->
                    assertThat(((CloudState) state).eipIp()).isEqualTo(ravenCfg.getData().get("eip-ip")));

            upstream.publish(config(2, false)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> steps(bootstrap).contains(Step.RELEASED));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    kubernetes.configMaps().inNamespace("kube-system").withName("raven-cfg").get().getData())
                    .containsEntry("enable-l7-proxy", "false").containsEntry("enable-l3-tunnel", "false")
                    .containsEntry("eip-id", "").containsEntry("loadbalancer-id", "").containsEntry("acl-id", ""));
        }
    }

    private static List<Step> steps(String bootstrap) {
        return events(bootstrap, Topic.PROVISIONING).stream().map(e -> ((ProvisioningStep) e).step()).toList();
    }

    private static List<CorvusEvent> events(String bootstrap, Topic topic) {
        return TopicSnapshot.read(bootstrap, topic).stream().filter(e -> "p1".equals(e.key()) && e.event() != null)
                .map(TopicSnapshot.Entry::event).toList();
    }

    private static ConfigChanged config(long revision, boolean proxy) {
        return new ConfigChanged("p1", revision, Instant.now(), "test", new NetworkConfig(new NetworkConfig.ModeSettings(proxy),
                NetworkConfig.TunnelSettings.OFF.enabled(false), List.of("203.0.113.0/24", "100.64.0.0/10"), Map.of(),
                new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool", "openyurt.io/is-edge-worker=true"),
                NetworkConfig.CloudSettings.local(100)));
    }

    private static GatewayTopology cloudGateway() {
        return new GatewayTopology("p1", "cloud", 1, "cloud", false, true, false,
                List.of(GatewayTopology.Endpoint.proxy("cloud-1", "10.0.0.5")),
                List.of(), null, List.of(), Instant.now(), null);
    }
}
