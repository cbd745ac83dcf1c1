package io.corvus.elector.adapter.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import io.corvus.elector.app.TopologyPublisher;
import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.service.work.ClusterWorkQueue;
import io.corvus.service.work.PartitionOwner;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.jboss.logging.Logger;

/**
 * Publishes topologies so that a replica that lost its partitions cannot publish after its
 * successor took them, even if it does not know yet: a replica paused past its session timeout
 * (a long GC, SIGSTOP, a frozen VM) still believes it owns them when it wakes up. Each partition
 * has one transactional id, shared by all replicas; taking a partition calls
 * {@code initTransactions()}, which fences the producer of the replica that held it before, and
 * the topologies of one election (one cluster, hence one partition) are committed in one
 * transaction: readers see all of them or none. A fenced replica's commit fails, and
 * the topology is dropped as its cluster's election is: it is no longer this replica's.
 */
public final class FencedTopologyPublisher implements TopologyPublisher, PartitionOwner, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FencedTopologyPublisher.class);
    static final String TRANSACTIONAL_ID_PREFIX = "corvus-elector-topology-p";

    /** The transactional producer of one partition and the event writer over it. */
    private record Writer(KafkaProducer<String, byte[]> producer, EventPublisher events) {
        void close() {
            producer.close(Duration.ZERO); // never wait in a rebalance; an open transaction is aborted by the next holder
        }
    }

    private final KafkaConnection connection;
    private final EventCodec codec;
    private final String service;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Writer> writers = new ConcurrentHashMap<>();

    public FencedTopologyPublisher(KafkaConnection connection, EventCodec codec, String service) {
        this.connection = connection;
        this.codec = codec;
        this.service = service;
    }

    /** Takes the partitions' transactional ids, fencing whoever held them, before this replica elects their clusters. */
    @Override
    public void own(Collection<Integer> partitions) {
        for (int partition : partitions) {
            owned.add(partition);
            try {
                writers.computeIfAbsent(partition, this::writer);
            } catch (RuntimeException e) {
                LOG.warnf("cannot take the transactional id of partition %d yet (%s): the first publication there takes it",
                        partition, e.getMessage());
            }
        }
    }

    @Override
    public void release(Collection<Integer> partitions) {
        for (int partition : partitions) {
            owned.remove(partition);
            discard(partition);
        }
    }

    @Override
    public void publish(List<GatewayTopology> topologies) throws Exception {
        String clusterId = topologies.getFirst().clusterId();
        if (topologies.stream().anyMatch(topology -> !topology.clusterId().equals(clusterId))) {
            throw new IllegalArgumentException("one election publishes one cluster's topologies, not several clusters' together");
        }
        int partition = ClusterPartitioner.partitionFor(clusterId, Topic.PARTITIONS);
        if (!owned.contains(partition)) {
            throw new ClusterWorkQueue.Fenced(clusterId);
        }
        Writer writer = writers.computeIfAbsent(partition, this::writer);
        synchronized (writer) {
            try {
                writer.producer().beginTransaction();
                List<CompletableFuture<?>> sent = topologies.stream().<CompletableFuture<?>>map(writer.events()::publish).toList();
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
                writer.producer().commitTransaction();
            } catch (ExecutionException e) {
                throw failed(partition, clusterId, e.getCause() == null ? e : e.getCause(), e);
            } catch (RuntimeException e) {
                throw failed(partition, clusterId, e, e);
            }
        }
    }

    /**
     * Fenced: this replica lost the partition and publishes nothing more there until it is given
     * it again. Any other failure: the producer is discarded, and the retry's fresh one, taking the
     * same id, resolves the open transaction.
     */
    private Exception failed(int partition, String clusterId, Throwable cause, Exception thrown) {
        discard(partition);
        if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException) {
            owned.remove(partition);
            LOG.warnf("another replica took partition %d of %s: this one publishes nothing more there", partition,
                    Topic.TOPOLOGY.topicName());
            return new ClusterWorkQueue.Fenced(clusterId);
        }
        return thrown;
    }

    private void discard(int partition) {
        Writer writer = writers.remove(partition);
        if (writer != null) {
            writer.close();
        }
    }

    private Writer writer(int partition) {
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.transactionalProducerConfig(connection,
                service + "-topology-p" + partition, TRANSACTIONAL_ID_PREFIX + partition));
        producer.initTransactions();
        return new Writer(producer, new EventPublisher(producer, codec, service));
    }

    @Override
    public void close() {
        release(Set.copyOf(owned));
    }
}
