package io.corvus.elector.adapter.inventory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.corvus.elector.app.NodeInventory;
import io.corvus.elector.app.NodeReports;
import io.corvus.events.Json;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The nodes of a run without Kubernetes, from a YAML file ({@code corvus.elector.inventory.file}),
 * reported once at start-up.
 */
@Singleton
public class StaticInventory {

    private static final Logger LOG = Logger.getLogger(StaticInventory.class);

    /** The inventory file: {@code clusters: {<clusterId>: [ {name, labels, ready, internalIps, externalIps, podCidrs} ]}}. */
    record InventoryFile(Map<String, List<FileNode>> clusters) {
    }

    record FileNode(String name, Map<String, String> labels, Boolean ready, List<String> internalIps,
            List<String> externalIps, List<String> podCidrs) {
    }

    private final Optional<String> file;
    private final NodeReports reports;

    StaticInventory(InventorySettings settings, NodeReports reports) {
        this.file = settings.file();
        this.reports = reports;
    }

    void start(@Observes StartupEvent startup) throws IOException {
        if (file.isEmpty()) {
            return;
        }
        InventoryFile inventory = Json.yaml().readValue(Path.of(file.get()).toFile(), InventoryFile.class);
        inventory.clusters().forEach((clusterId, nodes) -> nodes.forEach(node -> reports.upsert(new NodeInventory.SourceNode(
                clusterId, node.name(), node.labels(), node.ready() == null || node.ready(), node.internalIps(),
                node.externalIps(), node.podCidrs()))));
        LOG.infof("published the static inventory %s", file.get());
    }
}
