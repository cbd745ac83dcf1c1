package io.corvus.provisioner.adapter.aliyun;

import java.time.Duration;
import java.util.Optional;

/** Provider settings for tests and benchmarks: pointed at an emulator over plain HTTP. */
public record TestAliyunSettings(String endpointAddress, Duration readTimeout, int maxAttempts, Optional<String> credentialsSecret)
        implements AliyunSettings {

    public static TestAliyunSettings at(AliyunEmulator emulator, Duration readTimeout) {
        return new TestAliyunSettings(emulator.endpoint(), readTimeout, 5, Optional.empty());
    }

    @Override
    public Optional<String> endpoint() {
        return Optional.of(endpointAddress);
    }

    @Override
    public String protocol() {
        return "HTTP";
    }

    @Override
    public Duration connectTimeout() {
        return Duration.ofSeconds(2);
    }

    @Override
    public Duration firstRetryWait() {
        return Duration.ofMillis(200);
    }

    @Override
    public Duration longestRetryWait() {
        return Duration.ofSeconds(5);
    }

    @Override
    public String loadBalancerSpec() {
        return "slb.s1.small";
    }

    @Override
    public String credentialsNamespace() {
        return "kube-system";
    }

    @Override
    public Duration credentialsCacheTime() {
        return Duration.ofSeconds(30);
    }
}
