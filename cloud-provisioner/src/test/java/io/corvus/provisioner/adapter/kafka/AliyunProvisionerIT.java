package io.corvus.provisioner.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.TopicSnapshot;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.ProvisioningStep.Step;
import io.corvus.events.payload.ProvisioningStep;
import io.corvus.provisioner.adapter.aliyun.AliyunEmulatorTestResource;
import io.corvus.provisioner.adapter.aliyun.EmulatedCloud;
import io.corvus.testing.KafkaBrokerTestResource;
import io.corvus.testing.TestBrokers;
import io.fabric8.kubernetes.api.model.SecretBuilder;
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
@TestProfile(AliyunInClusterProfile.class)
@WithKubernetesTestServer(crud = true)
@WithTestResource(value = KafkaBrokerTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = AliyunEmulatorTestResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class AliyunProvisionerIT {

    @Inject
    KubernetesClient kubernetes;

    @Test
    void aMissingSecretIsAClearDegradedStateUntilItIsCreatedThenTheCloudSideIsProvisionedAndReleased() throws Exception {
        String bootstrap = TestBrokers.bootstrapServers();
        try (EventPublisher upstream = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrap, "upstream")),
                EventCodec.create(), "test")) {
            upstream.publish(cloudGateway()).get();
            upstream.publish(config(1, true)).get();

            await().atMost(Duration.ofSeconds(30)).until(() -> steps(bootstrap).stream().anyMatch(s -> s.step() == Step.DEGRADED));
            ProvisioningStep degraded = steps(bootstrap).stream().filter(s -> s.step() == Step.DEGRADED).findFirst().orElseThrow();
            assertThat(degraded.reason()).isEqualTo("no Alibaba Cloud credentials for cluster a1: create Secret "
                    + "kube-system/corvus-aliyun-credentials-a1 (or corvus-aliyun-credentials) with keys access-key-id and "
                    + "access-key-secret, or set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET in the "
                    + "provisioner's environment");
            assertThat(degraded.nextRetryAt()).isAfter(degraded.at());

            kubernetes.secrets().inNamespace("kube-system").resource(new SecretBuilder().withNewMetadata()
                    .withName("corvus-aliyun-credentials").withNamespace("kube-system").endMetadata()
                    .addToStringData("access-key-id", AliyunEmulatorTestResource.KEY_ID)
                    .addToStringData("access-key-secret", AliyunEmulatorTestResource.KEY_SECRET).build()).create();

            await().atMost(Duration.ofSeconds(30)).until(() -> steps(bootstrap).stream().anyMatch(s -> s.step() == Step.READY));
            EmulatedCloud cloud = AliyunEmulatorTestResource.emulator().cloud();
            assertThat(cloud.loadBalancers()).hasSize(1);
            assertThat(cloud.eips()).singleElement().satisfies(eip -> assertThat(eip.status()).isEqualTo("InUse"));
            Map<String, String> ravenCfg = kubernetes.configMaps().inNamespace("kube-system").withName("raven-cfg").get().getData();
            assertThat(ravenCfg).containsEntry("loadbalancer-id", cloud.loadBalancers().getFirst().id())
                    .containsEntry("eip-id", cloud.eips().getFirst().id()).containsEntry("eip-ip", cloud.eips().getFirst().ip())
                    .containsEntry("acl-id", cloud.acls().getFirst().id()).containsEntry("acl-entry", "203.0.113.0/24,100.64.0.0/10")
                    .containsEntry("enable-l7-proxy", "true").containsEntry("enable-l3-tunnel", "false");
            assertThat(cloud.loadBalancers().getFirst().backends()).containsExactly("i-10-0-0-5");

            upstream.publish(config(2, false)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> steps(bootstrap).stream().anyMatch(s -> s.step() == Step.RELEASED));
            assertThat(cloud.loadBalancers()).isEmpty();
            assertThat(cloud.eips()).isEmpty();
            assertThat(cloud.acls()).isEmpty();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    kubernetes.configMaps().inNamespace("kube-system").withName("raven-cfg").get().getData())
                    .containsEntry("eip-id", "").containsEntry("enable-l7-proxy", "false"));
        }
        assertThat(everythingOnTheTopics(bootstrap)).as("credentials on a topic").doesNotContain(AliyunEmulatorTestResource.KEY_SECRET);
        assertThat(Files.readString(Path.of(AliyunInClusterProfile.LOG_FILE))).as("credentials in the log")
                .contains("cluster a1: ready").doesNotContain(AliyunEmulatorTestResource.KEY_SECRET);
    }

    private static List<ProvisioningStep> steps(String bootstrap) {
        return TopicSnapshot.read(bootstrap, Topic.PROVISIONING).stream().filter(e -> "a1".equals(e.key()) && e.event() != null)
                .map(e -> (ProvisioningStep) e.event()).toList();
    }

    private static String everythingOnTheTopics(String bootstrap) {
        StringBuilder all = new StringBuilder();
        for (Topic topic : List.of(Topic.PROVISIONING, Topic.CLOUD_STATE, Topic.DLQ)) {
            TopicSnapshot.read(bootstrap, topic).forEach(e -> all.append(e).append('\n'));
        }
        return all.toString();
    }

    private static ConfigChanged config(long revision, boolean proxy) {
        return new ConfigChanged("a1", revision, Instant.now(), "test", new NetworkConfig(new NetworkConfig.ModeSettings(proxy),
                NetworkConfig.TunnelSettings.OFF.enabled(false), List.of("203.0.113.0/24", "100.64.0.0/10"), Map.of(),
                new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool", "openyurt.io/is-edge-worker=true"),
                new NetworkConfig.CloudSettings("aliyun", "cn-hangzhou", "vpc-it", "vsw-it", 20, "PayByTraffic")));
    }

    private static GatewayTopology cloudGateway() {
        return new GatewayTopology("a1", "cloud", 1, "cloud", false, true, false,
                List.of(GatewayTopology.Endpoint.proxy("cloud-1", "10.0.0.5")),
                List.of(), null, List.of(), Instant.now(), null);
    }
}
