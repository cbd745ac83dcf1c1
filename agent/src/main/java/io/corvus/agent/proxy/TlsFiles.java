package io.corvus.agent.proxy;

import java.nio.file.Path;

/**
 * Where the node's certificate and key and the cluster's Corvus CA are, as PEM files (issued by
 * io.corvus.pki). Any may be missing from the settings; the proxy refuses to start without all three.
 */
public record TlsFiles(Path certificate, Path key, Path ca) {
}
