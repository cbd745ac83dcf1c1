package io.corvus.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.corvus.events.ClusterPartitioner;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.ExampleEvents;
import io.corvus.events.Topic;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.CorvusEvent;
import io.corvus.events.payload.DeadLetter;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NodeObserved;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class EventPumpIT {

    @Test
    void aPoisonRecordLandsInTheDeadLetterTopicWhileTheConsumerGoesOnWithTheRecordsAfterIt() throws Exception {
        String clusterId = "poison-" + System.nanoTime();
        List<Long> applied = new CopyOnWriteArrayList<>();
        List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

        try (EventPublisher publisher = KafkaTestSupport.publisher("test-writer");
                KafkaProducer<String, byte[]> rawProducer = new KafkaProducer<>(
                        KafkaClients.producerConfig(KafkaTestSupport.bootstrapServers(), "raw-writer"));
                EventPump configPump = configPump(clusterId, applied);
                EventPump dlqPump = dlqPump(clusterId, deadLetters)) {

            publisher.publish(config(clusterId, 1)).get();
            rawProducer.send(new ProducerRecord<>(Topic.CONFIG.topicName(), clusterId,
                    "{\"truncated".getBytes(StandardCharsets.UTF_8))).get();
            publisher.publish(config(clusterId, 2)).get();
            publisher.publish(config(clusterId, 13)).get(); // the handler refuses 13
            publisher.publish(config(clusterId, 3)).get();

            await().atMost(Duration.ofSeconds(30)).until(() -> applied.size() == 3 && deadLetters.size() == 2);
        }

        assertThat(applied).containsExactly(1L, 2L, 3L);
        assertThat(deadLetters).extracting(DeadLetter::reason).satisfiesExactly(
                reason -> assertThat(reason).startsWith("cannot parse: not a CloudEvents 1.0 message"),
                reason -> assertThat(reason).isEqualTo("cannot apply: revision 13 is unlucky"));
        DeadLetter poison = deadLetters.getFirst();
        assertThat(poison.originalKey()).isEqualTo(clusterId);
        assertThat(poison.originalTopic()).isEqualTo("corvus.config.v1");
        assertThat(poison.failedService()).isEqualTo("test-reader");
        assertThat(new String(Base64.getDecoder().decode(poison.originalValueBase64()), StandardCharsets.UTF_8))
                .as("the original bytes are kept whole").isEqualTo("{\"truncated");
    }

    @Test
    void aPoisonRecordIsSetAsideOnceThoughEveryRestartReadsItAgain() throws Exception {
        String clusterId = "poison-once-" + System.nanoTime();
        List<Long> applied = new CopyOnWriteArrayList<>();
        List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

        try (EventPublisher publisher = KafkaTestSupport.publisher("test-writer");
                KafkaProducer<String, byte[]> rawProducer = new KafkaProducer<>(
                        KafkaClients.producerConfig(KafkaTestSupport.bootstrapServers(), "raw-writer"));
                EventPump dlqPump = dlqPump(clusterId, deadLetters)) {
            rawProducer.send(new ProducerRecord<>(Topic.CONFIG.topicName(), clusterId, "not json".getBytes(StandardCharsets.UTF_8))).get();
            publisher.publish(config(clusterId, 1)).get();
            for (int start = 1; start <= 3; start++) { // each a new process of the same service, reading from offset 0
                try (EventPump restarted = configPump(clusterId, applied)) {
                    int expected = start;
                    await().atMost(Duration.ofSeconds(30)).until(() -> applied.size() == expected);
                    assertThat(restarted.deadLetteredCount()).as("start %d", start).isEqualTo(start == 1 ? 1 : 0);
                }
            }
            publisher.publish(config(clusterId, 2)).get();
            try (EventPump another = configPump(clusterId, applied)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> applied.contains(2L));
            }
        }

        assertThat(deadLetters).as("one letter, though four processes met the record").hasSize(1);
    }

    /** On the topology topic, which the other tests here do not read: their pumps would meet the poison too. */
    @Test
    void aReaderOfOneClusterPassesOverOtherClustersRecordsUnreadAndLeavesTheirPoisonToTheirOwnReaders() throws Exception {
        String mine = "mine-" + System.nanoTime();
        String other = "other-" + System.nanoTime();
        List<String> seen = new CopyOnWriteArrayList<>();
        EventHandler handler = event -> seen.add(event.payload().clusterId());

        try (EventPublisher publisher = KafkaTestSupport.publisher("test-writer");
                KafkaProducer<String, byte[]> rawProducer = new KafkaProducer<>(
                        KafkaClients.producerConfig(KafkaTestSupport.bootstrapServers(), "raw-writer"))) {
            var consumer = KafkaTestSupport.groupConsumer("one-cluster-reader-" + mine);
            consumer.subscribe(List.of(Topic.TOPOLOGY.topicName()));
            try (EventPump pump = new EventPump("one-cluster", consumer, EventCodec.create(), handler,
                    KafkaTestSupport.deadLetters(publisher, "one-cluster-reader"), true)
                    .onlyCluster(mine).start()) {
                rawProducer.send(new ProducerRecord<>(Topic.TOPOLOGY.topicName(), other + "/edge",
                        "not json".getBytes(StandardCharsets.UTF_8))).get();
                publisher.publish(topology(other)).get();
                publisher.publish(topology(mine)).get();

                await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains(mine));
                assertThat(seen).containsOnly(mine);
                assertThat(pump.deadLetteredCount()).as("another cluster's poison is its readers' to set aside").isZero();
            }
        }
    }

    /** The broker may hold this follower's fetch for a minute: neither a record nor closing waits for it. */
    @Test
    void aLongPollingFollowerHandlesARecordAtOnceAndClosesWithoutWaitingForTheFetchTheBrokerHolds() throws Exception {
        String clusterId = "follower-" + System.nanoTime();
        List<String> seen = new CopyOnWriteArrayList<>();
        Map<String, Object> config = KafkaClients.followerConfig(KafkaTestSupport.bootstrapServers(), "long-poller-" + clusterId);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 60_000);
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 90_000);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config);
        TopicPartition partition = new TopicPartition(Topic.TOPOLOGY.topicName(), ClusterPartitioner.partitionFor(clusterId, Topic.PARTITIONS));
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition); // the seek is lazy: resolved now, it cannot land after the record below

        try (EventPublisher publisher = KafkaTestSupport.publisher("test-writer")) {
            EventPump pump = new EventPump("long-poller", consumer, EventCodec.create(), event -> seen.add(event.payload().clusterId()),
                    KafkaTestSupport.deadLetters(publisher, "long-poller"), false)
                    .onlyCluster(clusterId).longPolling(Duration.ofSeconds(60)).start();
            publisher.publish(topology(clusterId)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains(clusterId));

            long closing = System.nanoTime();
            pump.close();
            assertThat(Duration.ofNanos(System.nanoTime() - closing)).as("closing does not wait out the minute the broker holds the fetch")
                    .isLessThan(Duration.ofSeconds(4));
        }
    }

    /** Whether or not it commits offsets (the services' pumps do not: they rebuild from the topics), a group member must leave. */
    @Test
    void aPumpOfAConsumerGroupRefusesToDropItsSessionOnClose() {
        var consumer = KafkaTestSupport.groupConsumer("group-long-poller-" + System.nanoTime());
        try (EventPublisher publisher = KafkaTestSupport.publisher("test-writer");
                EventPump pump = new EventPump("group", consumer, EventCodec.create(), event -> { },
                        KafkaTestSupport.deadLetters(publisher, "group"), false)) {
            assertThatThrownBy(() -> pump.longPolling(Duration.ofSeconds(5))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("must close its session");
        }
    }

    @Test
    void recordsOfOneClusterLandInThePartitionThePartitionerNames() throws Exception {
        try (EventPublisher publisher = KafkaTestSupport.publisher("test-writer")) {
            RecordMetadata a = publisher.publish(node("c1", "a")).get();
            RecordMetadata b = publisher.publish(node("c1", "b")).get();

            assertThat(a.partition()).isEqualTo(b.partition())
                    .isEqualTo(ClusterPartitioner.partitionFor("c1", Topic.PARTITIONS));
        }
    }

    @Test
    void aTombstoneReachesTheHandlerAsARemoval() throws Exception {
        String clusterId = "tombstone-" + System.nanoTime();
        List<String> removed = new CopyOnWriteArrayList<>();
        EventHandler handler = new EventHandler() {
            @Override
            public void onEvent(ReceivedEvent event) {
            }

            @Override
            public void onTombstone(Topic topic, String key) {
                if (key.startsWith(clusterId)) {
                    removed.add(topic.topicName() + " " + key);
                }
            }
        };
        try (EventPublisher publisher = KafkaTestSupport.publisher("test-writer");
                EventPump pump = subscribed(Topic.NODES, handler, publisher)) {
            publisher.publish(node(clusterId, "gone")).get();
            publisher.publishTombstone(Topic.NODES, clusterId + "/gone").get();

            await().atMost(Duration.ofSeconds(30)).until(() -> !removed.isEmpty());
        }
        assertThat(removed).containsExactly("corvus.nodes.v1 " + clusterId + "/gone");
    }

    private static EventPump configPump(String clusterId, List<Long> applied) {
        EventHandler handler = event -> {
            ConfigChanged config = (ConfigChanged) event.payload();
            if (!config.clusterId().equals(clusterId)) {
                return;
            }
            if (config.revision() == 13) {
                throw new IllegalStateException("revision 13 is unlucky");
            }
            applied.add(config.revision());
        };
        return subscribed(Topic.CONFIG, handler, KafkaTestSupport.publisher("test-reader"));
    }

    private static EventPump dlqPump(String clusterId, List<DeadLetter> deadLetters) {
        EventHandler handler = event -> {
            DeadLetter letter = (DeadLetter) event.payload();
            if (clusterId.equals(letter.originalKey())) {
                deadLetters.add(letter);
            }
        };
        return subscribed(Topic.DLQ, handler, KafkaTestSupport.publisher("dlq-reader"));
    }

    private static EventPump subscribed(Topic topic, EventHandler handler, EventPublisher deadLetterPublisher) {
        var consumer = KafkaTestSupport.groupConsumer("test-reader");
        consumer.subscribe(List.of(topic.topicName()));
        return new EventPump(topic.name(), consumer, EventCodec.create(), handler,
                KafkaTestSupport.deadLetters(deadLetterPublisher, "test-reader"), true).start();
    }

    private static ConfigChanged config(String clusterId, long revision) {
        return new ConfigChanged(clusterId, revision, Instant.now(), "test", ExampleEvents.networkConfig());
    }

    private static GatewayTopology topology(String clusterId) {
        GatewayTopology example = ExampleEvents.gatewayTopology();
        return new GatewayTopology(clusterId, example.gatewayName(), example.generation(), example.nodePool(), example.edge(),
                example.proxyEnabled(), example.tunnelEnabled(), example.endpoints(), example.members(), example.cloudExposure(),
                example.accessControlList(), example.publishedAt(), example.tunnelNetwork(), example.changes());
    }

    private static CorvusEvent node(String clusterId, String name) {
        NodeObserved example = ExampleEvents.nodeObserved();
        return NodeObserved.of(clusterId, name, example.labels(), true, example.internalIps(), List.of(), example.podCidrs(),
                Instant.now());
    }
}
