package io.corvus.agent.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.corvus.agent.topology.ClusterView;
import io.corvus.agent.topology.NodeIdentity;
import io.corvus.agent.topology.ViewListener;
import io.corvus.events.Backoff;
import io.corvus.events.ClusterPartitioner;
import io.corvus.events.EventKey;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventHandler;
import io.corvus.events.kafka.EventPump;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.corvus.events.kafka.ReceivedEvent;
import io.corvus.events.payload.GatewayTopology;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
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
 * <p>Listeners get the newest view once per poll, not each generation read, and only once the
 * records the partition held at the start are read: a starting agent reads every generation the
 * compacted topic still holds, over as many polls as the partition's other clusters fill. Handing
 * on each generation made it take up and drop its roles dozens of times in a second, opening and
 * closing links that the elector then saw lost; and an agent that restarts in place when its role
 * goes would restart again at every start on a role long gone.
 */
public class TopologyFollower implements EventHandler, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TopologyFollower.class);
    private static final Backoff TOPIC_WAIT = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(5));
    private static final String PUMP = "topology";

    private final NodeIdentity node;
    private final KafkaConnection connection;
    private final String clientId;
    private final EventCodec codec;
    private final DeadLetters deadLetters;
    private final MeterRegistry registry;
    private final List<ViewListener> listeners;
    /** Set once the partition exists and the pump reads it. */
    private volatile EventPump pump;
    private KafkaClientMetrics pumpMetrics;
    /** The newest view read, and the newest the listeners were given (what the agent applied). */
    private ClusterView view;
    private volatile ClusterView handedOn;
    /** Set once the records the partition held at the start have been read: views are handed on from then. */
    private boolean replayed;
    /** Counted down at shutdown: ends the wait for the partition at once. */
    private final CountDownLatch stopping = new CountDownLatch(1);

    /** @param clientId the Kafka client id prefix of this agent's consumers */
    public TopologyFollower(NodeIdentity node, KafkaConnection connection, String clientId, EventCodec codec, DeadLetters deadLetters,
            MeterRegistry registry, List<ViewListener> listeners) {
        this.node = node;
        this.connection = connection;
        this.clientId = clientId;
        this.codec = codec;
        this.deadLetters = deadLetters;
        this.registry = registry;
        this.listeners = List.copyOf(listeners);
        this.view = ClusterView.empty(node.clusterId());
        this.handedOn = view;
    }

    public void start() {
        Thread.ofVirtual().name("topology-follower-start").start(this::followOnceThePartitionExists);
    }

    @Override
    public synchronized void close() {
        stopping.countDown();
        if (pump != null) {
            pumpMetrics.close();
            pump.close();
        }
    }

    /** The consuming loop by name, and whether it runs: none until the partition exists. */
    public Map<String, Boolean> pumps() {
        EventPump running = pump;
        return running == null ? Map.of() : Map.of(PUMP, running.isRunning());
    }

    private void followOnceThePartitionExists() {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClients.followerConfig(connection,
                clientId + "-" + node.nodeName() + "-topology"));
        TopicPartition partition = new TopicPartition(Topic.TOPOLOGY.topicName(),
                ClusterPartitioner.partitionFor(node.clusterId(), Topic.PARTITIONS));
        if (!awaitPartition(consumer, partition)) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long replayEnd = replayEnd(consumer, partition);
        EventPump started = new EventPump(clientId + "-topology", consumer, codec, this, deadLetters, false)
                .onlyCluster(node.clusterId()).longPolling(KafkaClients.FOLLOWER_LONG_POLL);
        started.afterEachPoll(() -> handOnOnceReplayed(started.hasReached(partition, replayEnd)));
        synchronized (this) {
            if (stopping.getCount() == 0) {
                started.close();
                return;
            }
            // on /q/metrics: the consumer's kafka_consumer_* meters, and what the pump handled and set aside
            pumpMetrics = new KafkaClientMetrics(started.metricsSource());
            pumpMetrics.bindTo(registry);
            FunctionCounter.builder("corvus.events.handled", started, EventPump::handledCount).tag("pump", PUMP)
                    .description("records the pump's handler took").register(registry);
            FunctionCounter.builder("corvus.events.dead.lettered", started, EventPump::deadLetteredCount).tag("pump", PUMP)
                    .description("records the pump set aside on corvus.dlq.v1").register(registry);
            pump = started.start();
        }
    }

    /** Where the partition ended when the agent started; 0, each poll's view handed on, if the broker cannot say. */
    private long replayEnd(KafkaConsumer<String, byte[]> consumer, TopicPartition partition) {
        try {
            return consumer.endOffsets(List.of(partition)).getOrDefault(partition, 0L);
        } catch (KafkaException e) {
            LOG.warnf("cannot read where %s ends (%s): each poll's topology is applied as it is read", partition, e.toString());
            return 0;
        }
    }

    /** False if the agent stops first. */
    private boolean awaitPartition(KafkaConsumer<String, byte[]> consumer, TopicPartition partition) {
        try {
            for (int attempt = 1; !exists(consumer, partition); attempt++) {
                if (attempt == 1) {
                    LOG.infof("waiting for partition %s (the launcher or the chart creates the topics; is the broker at %s reachable?)",
                            partition, connection.bootstrapServers());
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

    /** On the pump's thread after each poll: the newest view to the listeners, if it changed and the start's records are read. */
    private synchronized void handOnOnceReplayed(boolean startRead) {
        replayed |= startRead;
        if (replayed && view != handedOn) {
            handedOn = view;
            listeners.forEach(listener -> listener.apply(handedOn));
        }
    }

    /** The view the agent applied last. */
    public ClusterView view() {
        return handedOn;
    }
}
