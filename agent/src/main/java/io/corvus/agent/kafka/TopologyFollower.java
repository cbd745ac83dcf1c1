package io.corvus.agent.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.corvus.agent.topology.ClusterView;
import io.corvus.agent.topology.NodeIdentity;
import io.corvus.agent.topology.ViewListener;
import io.corvus.events.ClusterPartitioner;
import io.corvus.events.EventKey;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventHandler;
import io.corvus.events.kafka.EventPump;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.ReceivedEvent;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.service.EventPumps;
import io.corvus.service.Eventing;
import io.corvus.events.Backoff;
import io.quarkus.arc.All;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Follows {@code corvus.topology.v1} for this agent's cluster only: it reads the one partition
 * that holds the cluster with {@code assign()} (no consumer group, so thousands of agents cause no
 * rebalance), from the beginning of the compacted topic, keeps the newest generation of each of
 * its cluster's gateways, and hands each new view to the agent's listeners (the proxy; tunnel mode). The agent creates no topics:
 * until the partition exists (or while the broker is out of reach) it asks again, with backoff.
 *
 * <p>Listeners get the newest view once per poll, not each generation read: a starting agent reads
 * every generation the compacted topic still holds, and handing each on made it take up and drop
 * its roles dozens of times in a second, opening and closing links that the elector then saw lost.
 */
@Singleton
public class TopologyFollower implements EventHandler {

    private static final Logger LOG = Logger.getLogger(TopologyFollower.class);
    private static final Backoff TOPIC_WAIT = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(5));

    private final NodeIdentity node;
    private final Eventing eventing;
    private final EventCodec codec;
    private final DeadLetters deadLetters;
    private final List<ViewListener> listeners;
    /** The newest view read, and the newest the listeners were given (what the agent applied). */
    private ClusterView view;
    private volatile ClusterView handedOn;
    /** Counted down at shutdown: ends the wait for the partition at once. */
    private final CountDownLatch stopping = new CountDownLatch(1);

    TopologyFollower(NodeIdentity node, Eventing eventing, EventCodec codec, DeadLetters deadLetters, @All List<ViewListener> listeners) {
        this.node = node;
        this.eventing = eventing;
        this.codec = codec;
        this.deadLetters = deadLetters;
        this.listeners = List.copyOf(listeners);
        this.view = ClusterView.empty(node.clusterId());
        this.handedOn = view;
    }

    void start(@Observes StartupEvent startup, EventPumps pumps) {
        Thread.ofVirtual().name("topology-follower-start").start(() -> followOnceThePartitionExists(pumps));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopping.countDown();
    }

    private void followOnceThePartitionExists(EventPumps pumps) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClients.followerConfig(eventing.connection(),
                eventing.serviceName() + "-" + node.nodeName() + "-topology"));
        TopicPartition partition = new TopicPartition(Topic.TOPOLOGY.topicName(),
                ClusterPartitioner.partitionFor(node.clusterId(), Topic.PARTITIONS));
        if (!awaitPartition(consumer, partition)) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        pumps.register("topology", new EventPump(eventing.serviceName() + "-topology", consumer, codec, this, deadLetters, false)
                .onlyCluster(node.clusterId()).longPolling(KafkaClients.FOLLOWER_LONG_POLL).afterEachPoll(this::handOnNewest));
    }

    /** False if the agent stops first. */
    private boolean awaitPartition(KafkaConsumer<String, byte[]> consumer, TopicPartition partition) {
        try {
            for (int attempt = 1; !exists(consumer, partition); attempt++) {
                if (attempt == 1) {
                    LOG.infof("waiting for partition %s (the launcher or the chart creates the topics; is the broker at %s reachable?)",
                            partition, eventing.connection().bootstrapServers());
                }
                if (stopping.await(TOPIC_WAIT.delay(attempt, ThreadLocalRandom.current()).toMillis(), TimeUnit.MILLISECONDS)) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean exists(KafkaConsumer<String, byte[]> consumer, TopicPartition partition) {
        try {
            // this one topic's metadata, not the whole cluster's: thousands of agents may be asking
            List<PartitionInfo> partitions = consumer.partitionsFor(partition.topic(), Duration.ofSeconds(5));
            return partitions != null && partitions.stream().anyMatch(info -> info.partition() == partition.partition());
        } catch (TimeoutException unreachable) {
            return false;
        } catch (KafkaException refused) { // e.g. not authorized: worth a line each time, then ask again
            LOG.warnf("cannot list the broker's topics: %s", refused.toString());
            return false;
        }
    }

    @Override
    public void onEvent(ReceivedEvent event) {
        if (event.payload() instanceof GatewayTopology topology && topology.clusterId().equals(node.clusterId())) {
            read(topology);
        }
    }

    @Override
    public void onTombstone(Topic topic, String key) {
        EventKey parsed = EventKey.parse(key);
        if (topic == Topic.TOPOLOGY && parsed.clusterId().equals(node.clusterId()) && parsed.name().isPresent()) {
            forget(parsed.name().get());
        }
    }

    private synchronized void read(GatewayTopology topology) {
        view = view.with(topology);
    }

    private synchronized void forget(String gatewayName) {
        view = view.without(gatewayName);
    }

    /** On the pump's thread after each poll: the newest view to the listeners, if it changed. */
    synchronized void handOnNewest() {
        if (view != handedOn) {
            handedOn = view;
            listeners.forEach(listener -> listener.apply(handedOn));
        }
    }

    /** The view the agent applied last. */
    public ClusterView view() {
        return handedOn;
    }
}
