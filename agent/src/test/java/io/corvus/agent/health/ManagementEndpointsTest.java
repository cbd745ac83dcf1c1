package io.corvus.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.exporter.common.TextFormat;
import org.junit.jupiter.api.Test;

class ManagementEndpointsTest {

    @Test
    void metricsComeAsOpenMetricsUnlessOnlyTheOlderTextIsAskedFor() {
        assertThat(ManagementEndpoints.format(null)).isEqualTo(TextFormat.CONTENT_TYPE_OPENMETRICS_100);
        assertThat(ManagementEndpoints.format("application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.1"))
                .isEqualTo(TextFormat.CONTENT_TYPE_OPENMETRICS_100);
        assertThat(ManagementEndpoints.format("text/plain")).isEqualTo(TextFormat.CONTENT_TYPE_004);
    }
}
