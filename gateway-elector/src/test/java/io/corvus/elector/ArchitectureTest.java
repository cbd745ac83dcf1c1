package io.corvus.elector;

import java.util.List;

import io.corvus.testing.Layers;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private static final List<String> ADAPTERS = List.of("adapter.kafka..", "adapter.kube..", "adapter.inventory..");

    @Test
    void theElectionIsPureTheUseCasesImportNoAdapterAndTheAdaptersNoneOfEachOther() {
        Layers.of("io.corvus.elector")
                .pure(List.of("domain.."))
                .useCases("app..", ADAPTERS)
                .independentAdapters(ADAPTERS)
                .bootIsTheRoot()
                .noCycles()
                .check();
    }
}
