package io.corvus.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.corvus.agent.proxy.TlsFiles;
import io.corvus.pki.ClusterCa;
import io.corvus.pki.NodeCredentials;

/**
 * A cluster CA for a test of the whole agent: the agent under test ("test-node") gets its
 * certificate through its settings, as the DaemonSet mounts it; the test's other nodes take theirs
 * from {@link #issue}.
 */
public final class AgentPki {

    private final ClusterCa ca;
    private final Path folder;

    private AgentPki(ClusterCa ca, Path folder) {
        this.ca = ca;
        this.folder = folder;
    }

    public static AgentPki create() throws IOException {
        return new AgentPki(ClusterCa.create("test-cluster", Duration.ofDays(1)), Files.createTempDirectory("corvus-agent-pki"));
    }

    public TlsFiles issue(String node) throws IOException {
        NodeCredentials.PemFiles files = ca.issue(node, List.of("127.0.0.1"), Duration.ofDays(1)).writeTo(folder);
        return new TlsFiles(files.certificate(), files.key(), files.ca());
    }

    /** The agent under test's certificate settings. */
    public Map<String, String> settings() throws IOException {
        TlsFiles own = issue(TestAgent.NODE);
        return Map.of("corvus.agent.proxy.certificate", own.certificate().toString(), "corvus.agent.proxy.key", own.key().toString(),
                "corvus.agent.proxy.ca", own.ca().toString());
    }
}
