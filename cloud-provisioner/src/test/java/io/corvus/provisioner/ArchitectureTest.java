package io.corvus.provisioner;

import java.util.List;

import io.corvus.testing.Layers;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @Test
    void thePlannerIsPureTheUseCasesImportNoAdapterAndTheAdaptersNoneOfEachOther() {
        Layers.ofService("io.corvus.provisioner", List.of("adapter.aliyun..", "adapter.local..", "adapter.kube..", "adapter.kafka..")).check();
    }
}
