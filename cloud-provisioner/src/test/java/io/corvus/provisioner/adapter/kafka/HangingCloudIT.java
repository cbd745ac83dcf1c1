package io.corvus.provisioner.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.TopicBootstrap;
import io.corvus.events.kafka.TopicSnapshot;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.ProvisioningStep;
import io.corvus.kafka.broker.KraftBroker;
import io.corvus.provisioner.ForwardingProvider;
import io.corvus.provisioner.adapter.local.LocalCloud;
import io.corvus.provisioner.adapter.local.LocalCloudProvider;
import io.corvus.provisioner.app.CloudException;
import io.corvus.provisioner.app.CloudProvider;
import io.corvus.provisioner.domain.CloudAction;
import io.corvus.provisioner.domain.DesiredCloud;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One cluster whose cloud API hangs must hold up neither the other clusters nor a rebalance: the
 * replica's work queue gives each cluster its own worker turn, and giving partitions up waits for
 * no reconcile. The hung call, let go at last, may still make what the cluster's new owner made
 * meanwhile: that second load balancer is released as a stray. Its own broker: another test's
 * provisioner would join the group.
 */
class HangingCloudIT {

    private static final String HANGING = "hangs";
    private static final List<String> OTHERS = IntStream.range(0, 20).mapToObj(i -> "quick-" + i).toList();

    @Test
    void aHangingCloudCallDelaysNeitherTwentyOtherClustersNorARebalance(@TempDir Path data, @TempDir Path ravenCfg)
            throws Exception {
        CountDownLatch hanging = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        LocalCloud cloud = new LocalCloud();
        try (KraftBroker broker = KraftBroker.start(data, 0)) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                new TopicBootstrap(admin).ensureTopics();
            }
            try (EventPublisher upstream = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrap, "upstream")),
                    EventCodec.create(), "test");
                    ProvisionerReplica first = new ProvisionerReplica(bootstrap,
                            new HangsOnce(new LocalCloudProvider(cloud), hanging, letGo), ravenCfg)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> first.loop().queue().ownedPartitions().size() == Topic.PARTITIONS);
                upstream.publish(config(HANGING)).get();
                assertThat(hanging.await(60, TimeUnit.SECONDS)).as("the hanging cluster's reconcile began").isTrue();
                for (String cluster : OTHERS) {
                    upstream.publish(config(cluster)).get();
                }

                await().atMost(Duration.ofSeconds(60)).until(() -> ready(bootstrap).containsAll(OTHERS));
                assertThat(letGo.getCount()).as("the hang still goes on").isEqualTo(1);

                try (ProvisionerReplica second = new ProvisionerReplica(bootstrap, new LocalCloudProvider(cloud), ravenCfg)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> !second.loop().queue().ownedPartitions().isEmpty()
                            && first.loop().queue().ownedPartitions().size() + second.loop().queue().ownedPartitions().size()
                            == Topic.PARTITIONS);
                    assertThat(letGo.getCount()).as("the rebalance completed while the hang went on").isEqualTo(1);

                    letGo.countDown();
                    await().atMost(Duration.ofSeconds(60)).until(() -> ready(bootstrap).contains(HANGING));
                }
                // the hung call went on and may have made a second load balancer after the cluster left its replica: whoever owns
                // the cluster next releases it as a stray, and the cluster keeps one
                await().atMost(Duration.ofSeconds(60)).until(() -> cloud.observe(HANGING).strays().isEmpty()
                        && first.loop().queue().ownedPartitions().size() == Topic.PARTITIONS);
            } finally {
                letGo.countDown();
            }
            assertThat(cloud.observe(HANGING).loadBalancer()).as("one load balancer for the cluster that hung").isNotNull();
            assertThat(recordedLoadBalancers(bootstrap, HANGING)).as("the cluster's recorded load balancers").hasSize(1);
        }
    }

    private static Set<String> ready(String bootstrap) {
        return TopicSnapshot.read(bootstrap, Topic.PROVISIONING).stream().map(e -> (ProvisioningStep) e.event())
                .filter(step -> step.step() == ProvisioningStep.Step.READY).map(ProvisioningStep::clusterId).collect(Collectors.toSet());
    }

    private static Set<String> recordedLoadBalancers(String bootstrap, String cluster) {
        return TopicSnapshot.read(bootstrap, Topic.CLOUD_STATE, cluster).stream().map(e -> ((CloudState) e.event()).loadBalancerId())
                .filter(id -> !id.isEmpty()).collect(Collectors.toSet());
    }

    private static ConfigChanged config(String cluster) {
        return new ConfigChanged(cluster, 1, Instant.now(), "test", new NetworkConfig(new NetworkConfig.ModeSettings(true),
                NetworkConfig.TunnelSettings.OFF.enabled(false), List.of(), Map.of(), NetworkConfig.NodeLabels.DEFAULTS,
                NetworkConfig.CloudSettings.local(100)));
    }

    /** The local cloud, except that the first change for cluster {@value #HANGING} hangs until the test lets it go. */
    private static final class HangsOnce extends ForwardingProvider {
        private final CountDownLatch hanging;
        private final CountDownLatch letGo;

        HangsOnce(CloudProvider delegate, CountDownLatch hanging, CountDownLatch letGo) {
            super(delegate);
            this.hanging = hanging;
            this.letGo = letGo;
        }

        @Override
        public void execute(DesiredCloud cluster, CloudAction action) throws CloudException {
            if (cluster.clusterId().equals(HANGING) && hanging.getCount() > 0) {
                hanging.countDown();
                try {
                    letGo.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.execute(cluster, action);
        }
    }
}
