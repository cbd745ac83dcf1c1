package io.corvus.elector.adapter.inventory;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** A node inventory without Kubernetes. */
@ConfigMapping(prefix = "corvus.elector.inventory")
public interface InventorySettings {

    /** A static node inventory (YAML) to publish to corvus.nodes.v1, for a run without Kubernetes. */
    Optional<String> file();
}
