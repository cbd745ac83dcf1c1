package io.corvus.config.adapter.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.corvus.config.app.ConfigFeed;
import io.corvus.config.app.ConfigStore;
import io.corvus.events.Topic;
import io.corvus.events.kafka.EventHandler;
import io.corvus.events.kafka.EventPump;
import io.corvus.events.kafka.ReceivedEvent;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.service.EventPumps;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Keeps {@link ConfigStore} equal to {@code corvus.config.v1}: every replica reads the whole
 * compacted topic from the beginning (no database), and keeps following it. The service is
 * ready once it has read everything that was committed when it started.
 */
@Singleton
public class ConfigFollower implements EventHandler, ConfigFeed {

    private static final Logger LOG = Logger.getLogger(ConfigFollower.class);

    private final ConfigStore store;
    private final Admin admin;
    private volatile EventPump pump;
    private volatile boolean rebuilt;

    ConfigFollower(ConfigStore store, Admin admin) {
        this.store = store;
        this.admin = admin;
    }

    void start(@Observes StartupEvent startup, EventPumps pumps) {
        follow(pumps.followWholeTopic("config-follower", Topic.CONFIG, this));
    }

    /** Starts following with a pump that reads the whole topic into this follower, and rebuilds. */
    void follow(EventPump wholeTopicPump) {
        pump = wholeTopicPump;
        Thread.ofVirtual().name("config-rebuild").start(this::rebuild);
    }

    private void rebuild() {
        long started = System.nanoTime();
        for (int partition = 0; partition < Topic.PARTITIONS; partition++) {
            while (!caughtUp(partition, Duration.ofSeconds(30))) {
                if (!pump.isRunning()) {
                    return;
                }
                LOG.warnf("still rebuilding the configurations from %s (partition %d)", Topic.CONFIG.topicName(), partition);
            }
        }
        rebuilt = true;
        LOG.infof("rebuilt %d configurations from %s in %d ms", store.all().size(), Topic.CONFIG.topicName(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Override
    public boolean rebuilt() {
        return rebuilt;
    }

    /**
     * Waits until every committed record of a partition has been applied to the store.
     *
     * @return false when that did not happen within {@code timeout}
     */
    public boolean caughtUp(int partition, Duration timeout) {
        TopicPartition topicPartition = new TopicPartition(Topic.CONFIG.topicName(), partition);
        try {
            ListOffsetsResult offsets = admin.listOffsets(Map.of(topicPartition, OffsetSpec.latest()),
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED));
            long committedEnd = offsets.partitionResult(topicPartition).get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
            return pump.awaitPosition(topicPartition, committedEnd, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    @Override
    public void onEvent(ReceivedEvent event) {
        store.apply((ConfigChanged) event.payload());
    }

    @Override
    public void onTombstone(Topic topic, String key) {
        store.delete(key);
    }
}
