package io.corvus.events;

import java.util.List;

import io.corvus.testing.Layers;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @Test
    void thePayloadRecordsArePureAndThePackagesFormNoCycle() {
        Layers.of("io.corvus.events")
                .pure(List.of("payload.."), "com.fasterxml.jackson.annotation..")
                .noCycles()
                .check();
    }
}
