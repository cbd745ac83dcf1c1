package io.corvus.config;

import java.util.List;

import io.corvus.testing.Layers;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private static final List<String> ADAPTERS = List.of("adapter.rest..", "adapter.kafka..", "adapter.kube..");

    @Test
    void theValidatorIsPureTheUseCasesImportNoAdapterAndTheAdaptersNoneOfEachOther() {
        Layers.of("io.corvus.config")
                .pure(List.of("domain.."))
                .useCases("app..", ADAPTERS)
                .independentAdapters(ADAPTERS)
                .bootIsTheRoot()
                .noCycles()
                .check();
    }
}
