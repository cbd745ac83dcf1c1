package io.corvus.provisioner.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.TopicBootstrap;
import io.corvus.events.kafka.TopicSnapshot;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.ProvisioningStep.Step;
import io.corvus.events.payload.ProvisioningStep;
import io.corvus.kafka.broker.KraftBroker;
import io.corvus.provisioner.adapter.aliyun.AliyunCloudProvider;
import io.corvus.provisioner.adapter.aliyun.AliyunCredentials;
import io.corvus.provisioner.adapter.aliyun.AliyunEmulator;
import io.corvus.provisioner.adapter.aliyun.ApiCallObserver;
import io.corvus.provisioner.adapter.aliyun.EmulatedCloud;
import io.corvus.provisioner.adapter.aliyun.SimulatedCrash;
import io.corvus.provisioner.adapter.aliyun.TestAliyunSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provisioner replica dies between two cloud calls (after creating the load balancer, before
 * tagging it, before recording anything); the replica that takes over knows only the topics. It
 * must find that load balancer by name, not make a second one, and finish. The test has a broker
 * of its own: a provisioner left running by a Quarkus test would otherwise join the consumer group.
 */
class ProvisionerCrashIT {

    @Test
    void theReplicaThatTakesOverAfterACrashFinishesFromTheTopicsWithoutDuplicates(@TempDir Path data, @TempDir Path ravenCfg)
            throws Exception {
        try (KraftBroker broker = KraftBroker.start(data, 0);
                AliyunEmulator emulator = new AliyunEmulator(Clock.systemUTC()).withAccessKey("LTAI5tCrash", "crash-secret")) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                new TopicBootstrap(admin).ensureTopics();
            }
            emulator.cloud().withVpc("vpc-c", "vsw-c", List.of("10.0.0.5"));
            AtomicBoolean crashed = new AtomicBoolean();
            ApiCallObserver dieBeforeTheFirstTag = new ApiCallObserver() {
                @Override
                public void before(String action) {
                    if (action.equals("TagResources") && crashed.compareAndSet(false, true)) {
                        throw new SimulatedCrash();
                    }
                }
            };

            try (EventPublisher upstream = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrap, "upstream")),
                    EventCodec.create(), "test")) {
                upstream.publish(cloudGateway()).get();
                upstream.publish(config()).get();

                try (ProvisionerReplica first = new ProvisionerReplica(bootstrap, provider(emulator, dieBeforeTheFirstTag), ravenCfg)) {
                    await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(60)).untilTrue(crashed); // the crash ends its worker
                    assertThat(emulator.cloud().loadBalancers()).singleElement().satisfies(lb -> assertThat(lb.tags()).isEmpty());
                }
                try (ProvisionerReplica second = new ProvisionerReplica(bootstrap, provider(emulator, ApiCallObserver.NONE), ravenCfg)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> steps(bootstrap).contains(Step.READY));
                }
            }

            EmulatedCloud cloud = emulator.cloud();
            assertThat(cloud.loadBalancers()).singleElement().satisfies(lb -> assertThat(lb.tags()).containsEntry("corvus.io/cluster-id", "k1"));
            assertThat(cloud.eips()).singleElement().satisfies(eip -> assertThat(eip.instanceId()).isEqualTo(cloud.loadBalancers().getFirst().id()));
            assertThat(cloud.acls()).hasSize(1);
            CloudState recorded = (CloudState) TopicSnapshot.read(bootstrap, Topic.CLOUD_STATE).stream()
                    .filter(e -> "k1".equals(e.key())).reduce((a, b) -> b).orElseThrow().event();
            assertThat(recorded.loadBalancerId()).isEqualTo(cloud.loadBalancers().getFirst().id());
            assertThat(recorded.eipId()).isEqualTo(cloud.eips().getFirst().id());
            assertThat(Files.readString(ravenCfg.resolve("k1-raven-cfg.yaml"))).contains(cloud.eips().getFirst().ip());
        }
    }

    private static AliyunCloudProvider provider(AliyunEmulator emulator, ApiCallObserver observer) {
        return new AliyunCloudProvider(TestAliyunSettings.at(emulator, Duration.ofSeconds(5)),
                cluster -> new AliyunCredentials("LTAI5tCrash", "crash-secret", null, "the test"), observer,
                wait -> Thread.sleep(wait.toMillis()), new SplittableRandom(9));
    }

    private static List<Step> steps(String bootstrap) {
        return TopicSnapshot.read(bootstrap, Topic.PROVISIONING).stream().filter(e -> "k1".equals(e.key()) && e.event() != null)
                .map(e -> ((ProvisioningStep) e.event()).step()).toList();
    }

    private static ConfigChanged config() {
        return new ConfigChanged("k1", 1, Instant.now(), "test", new NetworkConfig(new NetworkConfig.ModeSettings(true),
                NetworkConfig.TunnelSettings.OFF.enabled(true), List.of("203.0.113.0/24", "100.64.0.0/10"), Map.of(),
                new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool", "openyurt.io/is-edge-worker=true"),
                new NetworkConfig.CloudSettings("aliyun", "cn-hangzhou", "vpc-c", "vsw-c", 50, "PayByTraffic")));
    }

    private static GatewayTopology cloudGateway() {
        return new GatewayTopology("k1", "cloud", 1, "cloud", false, true, true,
                List.of(GatewayTopology.Endpoint.proxy("cloud-1", "10.0.0.5")),
                List.of(), null, List.of(), Instant.now(), null);
    }
}
