package io.corvus.config.adapter.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.corvus.config.app.ClusterState;
import io.corvus.config.app.ConfigLog;
import io.corvus.config.app.ConfigStore;
import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.service.Eventing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.jboss.logging.Logger;

/**
 * Publishes configuration changes so that two conflicting writes to one cluster never both
 * succeed, however many replicas take requests. Each partition of {@code corvus.config.v1} has one
 * transactional id, shared by all replicas. A replica that writes to a partition first calls
 * {@code initTransactions()}, which fences every other replica's producer for that partition and
 * aborts its open transaction; then it reads the partition up to its committed end, decides the
 * change against that state and commits it. A replica that was fenced in the meantime finds out
 * at its next send or commit, starts over, and sees the other replica's revision. See the README.
 */
@Singleton
public class TransactionalConfigLog implements ConfigLog {

    private static final Logger LOG = Logger.getLogger(TransactionalConfigLog.class);
    static final String TRANSACTIONAL_ID_PREFIX = "corvus-config-writer-p";
    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(10);

    /** A partition's writer: the producer that holds the partition's transactional id, if any. */
    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        KafkaProducer<String, byte[]> producer;
        /** The producer's kafka_producer_* meters on /q/metrics, removed with it. */
        KafkaClientMetrics metrics;
    }

    private final Eventing eventing;
    private final EventCodec codec;
    private final ConfigStore store;
    private final ConfigFollower follower;
    private final Slot[] slots = new Slot[Topic.PARTITIONS];
    private final MeterRegistry registry;

    TransactionalConfigLog(Eventing eventing, EventCodec codec, ConfigStore store, ConfigFollower follower, MeterRegistry registry) {
        this.eventing = eventing;
        this.registry = registry;
        this.codec = codec;
        this.store = store;
        this.follower = follower;
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot();
        }
    }

    @Override
    public Entries commit(String clusterId, Function<ClusterState, Entries> decide) {
        int partition = ClusterPartitioner.partitionFor(clusterId, Topic.PARTITIONS);
        Slot slot = slots[partition];
        try {
            if (!slot.lock.tryLock(LOCK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new LogUnavailable("too many changes are waiting for partition " + partition + "; retry", 1, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogUnavailable("interrupted while waiting to write", 1, e);
        }
        try {
            try {
                return commitHoldingLock(slot, partition, clusterId, decide);
            } catch (ProducerFencedException | InvalidProducerEpochException fenced) {
                LOG.infof("another replica wrote to partition %d; taking it back and deciding again", partition);
                discard(slot);
                return commitHoldingLock(slot, partition, clusterId, decide);
            }
        } catch (ProducerFencedException | InvalidProducerEpochException fencedAgain) {
            discard(slot);
            throw new LogUnavailable("another replica is changing the same clusters right now; retry", 1, fencedAgain);
        } catch (KafkaException e) {
            discard(slot);
            throw new LogUnavailable("Kafka cannot take the change now: " + e.getMessage(), 5, e);
        } finally {
            slot.lock.unlock();
        }
    }

    private Entries commitHoldingLock(Slot slot, int partition, String clusterId, Function<ClusterState, Entries> decide) {
        if (slot.producer == null) {
            slot.producer = newProducer(partition);
            slot.metrics = new KafkaClientMetrics(slot.producer);
            slot.metrics.bindTo(registry);
            slot.producer.initTransactions();
            if (!follower.caughtUp(partition, CATCH_UP_TIMEOUT)) {
                discard(slot);
                throw new LogUnavailable("cannot read " + Topic.CONFIG.topicName() + " up to its end; retry", 5, null);
            }
        }
        Entries entries = decide.apply(store.state(clusterId));
        if (entries.revisions().isEmpty() && !entries.tombstone()) {
            return entries;
        }
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        entries.revisions().forEach(revision -> records.add(codec.toRecord(revision, eventing.serviceName())));
        if (entries.tombstone()) {
            records.add(new ProducerRecord<>(Topic.CONFIG.topicName(), clusterId, null));
        }
        slot.producer.beginTransaction();
        try {
            records.forEach(slot.producer::send);
            slot.producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException fenced) {
            throw fenced;
        } catch (KafkaException e) {
            abortQuietly(slot);
            throw e;
        }
        // The follower will read these records back; applying them now lets the next request see them.
        entries.revisions().forEach(store::apply);
        if (entries.tombstone()) {
            store.delete(clusterId);
        }
        return entries;
    }

    private KafkaProducer<String, byte[]> newProducer(int partition) {
        // fails within seconds, not minutes, when the broker is away: the caller gets a 503
        return new KafkaProducer<>(KafkaClients.transactionalProducerConfig(eventing.connection(),
                eventing.serviceName() + "-writer-p" + partition, TRANSACTIONAL_ID_PREFIX + partition));
    }

    private static void abortQuietly(Slot slot) {
        try {
            slot.producer.abortTransaction();
        } catch (RuntimeException ignored) {
            // e.g. after a commit timed out the producer refuses to abort; it is discarded by the
            // caller, and the next producer with this transactional id resolves the transaction
        }
    }

    private static void discard(Slot slot) {
        if (slot.producer != null) {
            slot.metrics.close();
            slot.producer.close(Duration.ZERO);
            slot.producer = null;
            slot.metrics = null;
        }
    }

    void closeAll(@Observes ShutdownEvent shutdown) {
        for (Slot slot : slots) {
            slot.lock.lock();
            try {
                discard(slot);
            } finally {
                slot.lock.unlock();
            }
        }
    }
}
