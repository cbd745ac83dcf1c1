package io.corvus.elector.adapter.kafka;

import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import io.corvus.elector.app.NodeInventory;
import io.corvus.elector.app.NodeReports;
import io.corvus.events.Topic;
import io.corvus.events.kafka.EventPublisher;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Publishes what node sources report to {@code corvus.nodes.v1}: only changes, and a tombstone for
 * a node that is gone.
 */
@Singleton
public class NodePublisher implements NodeReports {

    private static final Logger LOG = Logger.getLogger(NodePublisher.class);

    private final NodeInventory inventory;
    private final EventPublisher publisher;

    public NodePublisher(Clock clock, EventPublisher publisher) {
        this.inventory = new NodeInventory(clock);
        this.publisher = publisher;
    }

    @Override
    public void upsert(NodeInventory.SourceNode node) {
        inventory.upsert(node).ifPresent(event -> await(publisher.publish(event)));
    }

    @Override
    public void remove(String clusterId, String name) {
        inventory.remove(clusterId, name).ifPresent(key -> await(publisher.publishTombstone(Topic.NODES, key)));
    }

    private static void await(Future<?> acknowledged) {
        try {
            acknowledged.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warnf("cannot publish a node event: %s", e.getCause().getMessage());
        }
    }
}
