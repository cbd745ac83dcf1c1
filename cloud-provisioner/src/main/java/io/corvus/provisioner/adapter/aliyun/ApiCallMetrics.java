package io.corvus.provisioner.adapter.aliyun;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/** {@code corvus_cloud_api_calls_total{action,outcome}}: every Alibaba Cloud API call and how it ended. */
@Singleton
public class ApiCallMetrics implements ApiCallObserver {

    private final MeterRegistry registry;

    ApiCallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void after(String action, String outcome) {
        registry.counter("corvus.cloud.api.calls", "action", action, "outcome", outcome).increment();
    }
}
