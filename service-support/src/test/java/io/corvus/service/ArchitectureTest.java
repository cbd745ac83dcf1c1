package io.corvus.service;

import java.util.List;

import io.corvus.testing.Layers;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @Test
    void theWorkQueueNeedsNoFrameworkAndThePackagesFormNoCycle() {
        Layers.of("io.corvus.service")
                .pure(List.of("work.."), "org.jboss.logging..")
                .noCycles()
                .check();
    }
}
