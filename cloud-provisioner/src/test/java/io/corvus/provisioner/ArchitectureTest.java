package io.corvus.provisioner;

import java.util.List;

import io.corvus.testing.Layers;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private static final List<String> ADAPTERS = List.of("adapter.aliyun..", "adapter.local..", "adapter.kube..", "adapter.kafka..");

    @Test
    void thePlannerIsPureTheUseCasesImportNoAdapterAndTheAdaptersNoneOfEachOther() {
        Layers.of("io.corvus.provisioner")
                .pure(List.of("domain.."))
                .useCases("app..", ADAPTERS)
                .independentAdapters(ADAPTERS)
                .bootIsTheRoot()
                .noCycles()
                .check();
    }
}
