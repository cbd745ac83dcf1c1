package io.corvus.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.corvus.pki.ClusterCa;
import io.corvus.pki.NodeCredentials;
import io.corvus.pki.SecretFiles;

/**
 * The local run's cluster CA and one certificate per node, in {@code run/<stack>/pki}: what the
 * chart will do with Secrets in a cluster. The agents' proxy tunnels use them for mutual TLS.
 */
final class LocalPki {

    private LocalPki() {
    }

    /**
     * The cluster's WireGuard preshared key, made once per run folder: 32 random bytes in base64,
     * owner-only from the first byte. What a Secret holds in a cluster.
     */
    static Path tunnelKey(Path folder) throws IOException {
        Path file = folder.resolve("tunnel-preshared.key");
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.createDirectories(folder);
            SecretFiles.write(file, Base64.getEncoder().encodeToString(key) + "\n");
        }
        return file;
    }

    static Map<String, NodeCredentials.PemFiles> create(Path folder, String clusterId, List<String> nodes) throws IOException {
        ClusterCa ca = ClusterCa.create(clusterId, Duration.ofDays(30));
        ca.writeTo(folder);
        Map<String, NodeCredentials.PemFiles> files = new LinkedHashMap<>();
        for (String node : nodes) {
            files.put(node, ca.issue(node, List.of("127.0.0.1"), Duration.ofDays(30)).writeTo(folder));
        }
        return files;
    }
}
