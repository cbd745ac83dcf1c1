package io.corvus.elector.adapter.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.corvus.elector.app.ElectionLoop;
import io.corvus.elector.app.TopologyListener;
import io.corvus.elector.adapter.inventory.NodeSources;
import io.corvus.elector.boot.ElectorSettings;
import io.corvus.events.EventCodec;
import io.corvus.events.EventKey;
import io.corvus.events.Topic;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventHandler;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.EventPump;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.ReceivedEvent;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NodeObserved;
import io.corvus.service.EventPumps;
import io.corvus.service.Eventing;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The elector's consumer and its tick. One consumer in group {@code gateway-elector} reads the
 * configuration, nodes, heartbeats, cloud state and topology topics. The range assignor gives a
 * replica the same partition numbers on all of them, so it owns whole clusters. Offsets are never
 * committed: on assignment the compacted topics are read again from the beginning (and heartbeats
 * from a little while back), and a partition is elected only once it is rebuilt to the end it had
 * when it was assigned, so a new owner continues the generations it finds on the topic.
 */
@Singleton
public class ElectorEvents implements EventHandler {

    private static final Logger LOG = Logger.getLogger(ElectorEvents.class);
    private static final List<Topic> TOPICS = List.of(Topic.CONFIG, Topic.NODES, Topic.AGENT_STATUS, Topic.CLOUD_STATE,
            Topic.TOPOLOGY);
    private static final List<Topic> REBUILT_FROM_START = List.of(Topic.CONFIG, Topic.NODES, Topic.CLOUD_STATE, Topic.TOPOLOGY);

    private final ElectionLoop loop;
    private final ElectorSettings settings;
    private final Eventing eventing;
    private final EventCodec codec;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final NodeSources nodeSources;
    /** Assigned partitions still being rebuilt, with the offsets each topic must be read to. */
    private final Map<Integer, Map<TopicPartition, Long>> rebuilding = new ConcurrentHashMap<>();
    private volatile EventPump pump;
    private volatile boolean running;

    ElectorEvents(ElectorSettings settings, Eventing eventing, EventCodec codec, DeadLetters deadLetters, Clock clock,
            EventPublisher publisher, TopologyListener listener, NodeSources nodeSources) {
        this.nodeSources = nodeSources;
        this.settings = settings;
        this.eventing = eventing;
        this.codec = codec;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.loop = new ElectionLoop(settings.election(), topology -> publisher.publish(topology).get(), clock,
                listener);
    }

    public ElectionLoop loop() {
        return loop;
    }

    void start(@Observes StartupEvent startup, EventPumps pumps) {
        pumps.register("elector", consume());
        startTicking();
    }

    /** The elector's pump, not yet started: subscribed, with ownership handled on rebalance. */
    EventPump consume() {
        Map<String, Object> config = KafkaClients.consumerConfig(eventing.bootstrapServers(), eventing.serviceName(),
                eventing.serviceName());
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config);
        consumer.subscribe(TOPICS.stream().map(Topic::topicName).toList(), new Ownership(consumer));
        pump = new EventPump(eventing.serviceName(), consumer, codec, this, deadLetters, false);
        return pump;
    }

    void startTicking() {
        running = true;
        Thread.ofVirtual().name("election-tick").start(this::tick);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
    }

    /** Stops ticking and consuming (a replica going away). */
    void close() {
        running = false;
        if (pump != null) {
            pump.close();
        }
    }

    private void tick() {
        while (running) {
            try {
                promoteRebuiltPartitions();
                loop.electOwned();
                TimeUnit.MILLISECONDS.sleep(settings.tick().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.warnf("election round failed, will retry: %s", e.getMessage());
            }
        }
    }

    private void promoteRebuiltPartitions() throws InterruptedException {
        for (var entry : rebuilding.entrySet()) {
            boolean rebuilt = true;
            for (var target : entry.getValue().entrySet()) {
                rebuilt &= pump.awaitPosition(target.getKey(), target.getValue(), Duration.ZERO);
            }
            if (rebuilt && rebuilding.remove(entry.getKey()) != null) {
                loop.own(List.of(entry.getKey()));
                LOG.infof("partition %d rebuilt; electing its clusters", entry.getKey());
            }
        }
    }

    /** Rebuild on assignment; forget (and stop publishing) on revocation. Runs on the pump's thread. */
    private final class Ownership implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> consumer;

        Ownership(KafkaConsumer<String, byte[]> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Set<Integer> numbers = numbers(partitions);
            numbers.forEach(rebuilding::remove);
            loop.release(numbers);
            LOG.infof("released partitions %s", numbers);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            List<TopicPartition> fromStart = partitions.stream()
                    .filter(tp -> REBUILT_FROM_START.stream().anyMatch(t -> t.topicName().equals(tp.topic()))).toList();
            consumer.seekToBeginning(fromStart);
            Map<TopicPartition, Long> ends = consumer.endOffsets(fromStart);
            seekHeartbeats(partitions);
            Map<Integer, Map<TopicPartition, Long>> targets = new HashMap<>();
            ends.forEach((tp, end) -> targets.computeIfAbsent(tp.partition(), p -> new HashMap<>()).put(tp, end));
            rebuilding.putAll(targets);
            LOG.infof("assigned partitions %s; rebuilding them from the topics", numbers(partitions));
        }

        /** Heartbeats only matter while fresh: start a few windows back, not at the beginning of the hour. */
        private void seekHeartbeats(Collection<TopicPartition> partitions) {
            long since = clock.instant().minus(settings.election().freshness().multipliedBy(2)).toEpochMilli();
            Map<TopicPartition, Long> times = partitions.stream()
                    .filter(tp -> tp.topic().equals(Topic.AGENT_STATUS.topicName()))
                    .collect(Collectors.toMap(tp -> tp, tp -> since));
            Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
            offsets.forEach((tp, offset) -> {
                if (offset == null) {
                    consumer.seekToEnd(List.of(tp));
                } else {
                    consumer.seek(tp, offset.offset());
                }
            });
        }

        private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
            return partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
        }
    }

    @Override
    public void onEvent(ReceivedEvent event) {
        switch (event.payload()) {
            case ConfigChanged config -> {
                loop.apply(config);
                nodeSources.labelKeys(config.clusterId(), config.config().nodeLabels());
            }
            case NodeObserved node -> loop.apply(node);
            case AgentHeartbeat heartbeat -> loop.apply(heartbeat);
            case CloudState state -> loop.apply(state);
            case GatewayTopology topology -> loop.apply(topology);
            default -> throw new IllegalArgumentException("the elector does not read " + event.payload().getClass().getSimpleName());
        }
    }

    @Override
    public void onTombstone(Topic topic, String key) {
        EventKey parsed = EventKey.parse(key);
        switch (topic) {
            case CONFIG -> loop.removeConfig(parsed.clusterId());
            case NODES -> parsed.name().ifPresent(node -> loop.removeNode(parsed.clusterId(), node));
            default -> { }
        }
    }
}
