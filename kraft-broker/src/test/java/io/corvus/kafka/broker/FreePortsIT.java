package io.corvus.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class FreePortsIT {

    @Test
    void portsTakenTogetherAreAllDifferent() throws Exception {
        int[] ports = FreePorts.take(200);

        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(200);
        assertThat(Arrays.stream(ports).min().orElseThrow()).isPositive();
    }
}
