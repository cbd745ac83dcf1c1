package io.corvus.agent.bench;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventHandler;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.EventPump;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.corvus.events.kafka.ReceivedEvent;
import io.corvus.events.payload.AgentHeartbeat;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * The least an agent without a gateway role must do, with the agent's own libraries and nothing
 * else: follow its cluster's topology partition (a long-polling {@link EventPump}, checked against
 * the schema like the agent's) and send a heartbeat a second. No framework, no HTTP, no Netty.
 * {@link FootprintBench} starts it beside the real agents with the same JVM options: its RSS and
 * start-up are the floor a leaner agent could reach on this JVM with the Kafka client and the codec.
 * Arguments: bootstrap servers, cluster, node.
 */
public final class KafkaOnlyAgent {

    private KafkaOnlyAgent() {
    }

    public static void main(String[] args) {
        String cluster = args[1];
        String node = args[2];
        KafkaConnection connection = KafkaConnection.plain(args[0]);
        EventCodec codec = EventCodec.create();
        EventPublisher publisher = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(connection, "agent-" + node)),
                codec, "agent");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClients.followerConfig(connection, "agent-" + node + "-topology"));
        TopicPartition partition = new TopicPartition(Topic.TOPOLOGY.topicName(), ClusterPartitioner.partitionFor(cluster, Topic.PARTITIONS));
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        new EventPump("topology", consumer, codec, new Ignored(), DeadLetters.connect(publisher, connection, "agent", Clock.systemUTC()),
                false).onlyCluster(cluster).longPolling(KafkaClients.FOLLOWER_LONG_POLL).start();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleWithFixedDelay(() -> publisher.publish(new AgentHeartbeat(cluster, node, Instant.now(), Set.of(), 0, 0, List.of(),
                0, 0, null, null, null, List.of(), null, List.of(), false, null)), 0, 1, TimeUnit.SECONDS);
    }

    /** Reads and decodes the topology like the agent, and applies nothing: this node has no role. */
    private static final class Ignored implements EventHandler {

        @Override
        public void onEvent(ReceivedEvent event) {
        }

        @Override
        public void onTombstone(Topic topic, String key) {
        }
    }
}
