package io.corvus.provisioner.adapter.aliyun;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Provider {@code aliyun}: Alibaba Cloud through its official SDKs. */
@ConfigMapping(prefix = "corvus.provisioner.aliyun")
public interface AliyunSettings {
    /**
     * One {@code host:port} for the VPC, CLB and ECS APIs instead of the public regional
     * endpoints: a VPC endpoint, a proxy, or an API emulator in tests.
     */
    Optional<String> endpoint();

    /** {@code HTTPS} or {@code HTTP} (the latter only for an endpoint on a trusted network). */
    @WithDefault("HTTPS")
    String protocol();

    @WithDefault("5s")
    Duration connectTimeout();

    @WithDefault("10s")
    Duration readTimeout();

    /** Attempts per API call before the reconcile is reported degraded (throttling, 5xx and timeouts are retried). */
    @WithDefault("5")
    int maxAttempts();

    /** The first wait between attempts; it doubles, with jitter, up to {@link #longestRetryWait()}. */
    @WithDefault("200ms")
    Duration firstRetryWait();

    @WithDefault("5s")
    Duration longestRetryWait();

    /** The CLB specification of the clusters' intranet load balancers. */
    @WithDefault("slb.s1.small")
    String loadBalancerSpec();

    /**
     * The Kubernetes Secret holding the AccessKey (keys {@code access-key-id},
     * {@code access-key-secret}, optional {@code security-token}); {@code NAME-CLUSTERID} is
     * tried first, so each cluster may have its own account. Without it, or when no such
     * Secret exists, the environment ({@code ALIBABA_CLOUD_ACCESS_KEY_ID},
     * {@code ALIBABA_CLOUD_ACCESS_KEY_SECRET}, {@code ALIBABA_CLOUD_SECURITY_TOKEN}) is used.
     */
    Optional<String> credentialsSecret();

    @WithDefault("kube-system")
    String credentialsNamespace();

    /** How long credentials read from a Secret are reused before it is read again. */
    @WithDefault("30s")
    Duration credentialsCacheTime();
}
