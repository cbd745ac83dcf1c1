package io.corvus.agent.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.corvus.agent.proxy.TlsFiles;
import io.corvus.pki.ClusterCa;
import io.corvus.pki.NodeCredentials;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A cluster CA for a Quarkus test of the agent: the agent under test ("test-node") gets its
 * certificate through configuration, as the DaemonSet mounts it; the test's other nodes take theirs
 * from {@link #issue}. Every proxy port is picked free.
 */
public class AgentPkiResource implements QuarkusTestResourceLifecycleManager {

    private static ClusterCa ca;
    private static Path folder;

    public static TlsFiles issue(String node) throws IOException {
        NodeCredentials.PemFiles files = ca.issue(node, List.of("127.0.0.1"), Duration.ofDays(1)).writeTo(folder);
        return new TlsFiles(files.certificate(), files.key(), files.ca());
    }

    @Override
    public Map<String, String> start() {
        try {
            folder = Files.createTempDirectory("corvus-agent-pki");
            ca = ClusterCa.create("test-cluster", Duration.ofDays(1));
            TlsFiles own = issue("test-node");
            return Map.of("corvus.agent.proxy.certificate", own.certificate().toString(), "corvus.agent.proxy.key",
                    own.key().toString(), "corvus.agent.proxy.ca", own.ca().toString(), "corvus.agent.proxy.link-port", "0",
                    "corvus.agent.proxy.https-port", "0", "corvus.agent.proxy.http-port", "0",
                    "corvus.agent.proxy.bind-address", "127.0.0.1");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }
}
