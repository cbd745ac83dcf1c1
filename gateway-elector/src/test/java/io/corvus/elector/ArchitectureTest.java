package io.corvus.elector;

import java.util.List;

import io.corvus.testing.Layers;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @Test
    void theElectionIsPureTheUseCasesImportNoAdapterAndTheAdaptersNoneOfEachOther() {
        Layers.ofService("io.corvus.elector", List.of("adapter.kafka..", "adapter.kube..", "adapter.inventory..")).check();
    }
}
