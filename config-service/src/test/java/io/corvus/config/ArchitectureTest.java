package io.corvus.config;

import java.util.List;

import io.corvus.testing.Layers;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @Test
    void theValidatorIsPureTheUseCasesImportNoAdapterAndTheAdaptersNoneOfEachOther() {
        Layers.ofService("io.corvus.config", List.of("adapter.rest..", "adapter.kafka..", "adapter.kube..")).check();
    }
}
