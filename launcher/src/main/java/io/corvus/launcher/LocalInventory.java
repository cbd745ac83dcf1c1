package io.corvus.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The local run's nodes, from {@code deploy/local/inventory.yaml}: gateway-elector reads the same
 * file to publish them, and the launcher starts one agent per node.
 */
record LocalInventory(Path file, String clusterId, List<String> nodeNames) {

    private record File(Map<String, List<Map<String, Object>>> clusters) {
    }

    static LocalInventory read(Path file) throws IOException {
        File parsed = new ObjectMapper(new YAMLFactory()).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(file.toFile(), File.class);
        if (parsed.clusters() == null || parsed.clusters().size() != 1) {
            throw new IllegalArgumentException(file + " must describe exactly one cluster under 'clusters:'");
        }
        var cluster = parsed.clusters().entrySet().iterator().next();
        return new LocalInventory(file, cluster.getKey(), cluster.getValue().stream().map(node -> (String) node.get("name")).toList());
    }
}
