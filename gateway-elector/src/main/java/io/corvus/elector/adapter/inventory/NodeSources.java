package io.corvus.elector.adapter.inventory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.corvus.elector.app.NodeInventory;
import io.corvus.elector.boot.ElectorSettings;
import io.corvus.events.Topic;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.NodeObserved;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Publishes the node inventory to {@code corvus.nodes.v1}: from a static YAML file in a run
 * without Kubernetes, and from Kubernetes informers otherwise ({@code KubernetesNodes}). Only
 * changes are published; a removed node becomes a tombstone.
 */
@Singleton
public class NodeSources {

    private static final Logger LOG = Logger.getLogger(NodeSources.class);

    /** The inventory file: {@code clusters: {<clusterId>: [ {name, labels, ready, internalIps, externalIps, podCidrs} ]}}. */
    record InventoryFile(Map<String, List<FileNode>> clusters) {
    }

    record FileNode(String name, Map<String, String> labels, Boolean ready, List<String> internalIps,
            List<String> externalIps, List<String> podCidrs) {
    }

    private final NodeInventory inventory;
    private final EventPublisher publisher;
    private final ElectorSettings settings;

    public NodeSources(Clock clock, EventPublisher publisher, ElectorSettings settings) {
        this.inventory = new NodeInventory(clock);
        this.publisher = publisher;
        this.settings = settings;
    }

    void start(@Observes StartupEvent startup) throws IOException {
        Optional<String> file = settings.inventoryFile();
        if (file.isPresent()) {
            InventoryFile inventoryFile = new ObjectMapper(new YAMLFactory()).readValue(Path.of(file.get()).toFile(), InventoryFile.class);
            inventoryFile.clusters().forEach((clusterId, nodes) -> nodes.forEach(node -> upsert(new NodeInventory.SourceNode(
                    clusterId, node.name(), node.labels(), node.ready() == null || node.ready(), node.internalIps(),
                    node.externalIps(), node.podCidrs()))));
            LOG.infof("published the static inventory %s", file.get());
        }
    }

    public void upsert(NodeInventory.SourceNode node) {
        inventory.upsert(node).ifPresent(this::publish);
    }

    public void remove(String clusterId, String name) {
        inventory.remove(clusterId, name).ifPresent(key -> await(publisher.publishTombstone(Topic.NODES, key)));
    }

    /** A cluster's configuration named its label keys: republish the nodes they reclassify. */
    public void labelKeys(String clusterId, NetworkConfig.NodeLabels keys) {
        inventory.labelKeys(clusterId, keys).forEach(this::publish);
    }

    private void publish(NodeObserved node) {
        await(publisher.publish(node));
    }

    private static void await(java.util.concurrent.Future<?> acknowledged) {
        try {
            acknowledged.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warnf("cannot publish a node event: %s", e.getCause().getMessage());
        }
    }
}
