package io.corvus.provisioner.adapter.aliyun;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts the Alibaba Cloud API emulator for a Quarkus test and points the aliyun provider at it. */
public class AliyunEmulatorTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String KEY_ID = "LTAI5tQuarkusIT";
    public static final String KEY_SECRET = "quarkus-it-secret-do-not-print";
    private static AliyunEmulator emulator;

    /** The running emulator, for the test to look into the cloud. */
    public static AliyunEmulator emulator() {
        return emulator;
    }

    @Override
    public Map<String, String> start() {
        try {
            emulator = new AliyunEmulator(Clock.systemUTC()).withAccessKey(KEY_ID, KEY_SECRET);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        emulator.cloud().withVpc("vpc-it", "vsw-it", List.of("10.0.0.5"));
        return Map.of("corvus.provisioner.aliyun.endpoint", emulator.endpoint(), "corvus.provisioner.aliyun.protocol", "HTTP");
    }

    @Override
    public void stop() {
        emulator.close();
    }
}
