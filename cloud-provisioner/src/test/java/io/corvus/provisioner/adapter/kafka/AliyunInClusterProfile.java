package io.corvus.provisioner.adapter.kafka;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The provisioner inside Kubernetes cluster {@code a1}, provisioning on Alibaba Cloud (the
 * emulator) with the AccessKey from a Secret; its log also goes to a file the test reads.
 */
public class AliyunInClusterProfile implements QuarkusTestProfile {

    static final String LOG_FILE = "target/aliyun-provisioner-it.log";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("corvus.provisioner.kubernetes.cluster-id", "a1",
                "corvus.provisioner.aliyun.credentials-secret", "corvus-aliyun-credentials",
                "corvus.provisioner.aliyun.credentials-cache-time", "0s",
                "quarkus.log.file.enabled", "true",
                "quarkus.log.file.path", LOG_FILE,
                "quarkus.log.category.\"io.corvus\".level", "DEBUG");
    }
}
