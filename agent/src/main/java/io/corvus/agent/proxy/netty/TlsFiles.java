package io.corvus.agent.proxy.netty;

import java.nio.file.Files;
import java.nio.file.Path;

/** The node's certificate and key and the cluster's Corvus CA, as PEM files (issued by io.corvus.pki). */
public record TlsFiles(Path certificate, Path key, Path ca) {

    /** @throws IllegalStateException naming the missing file and the setting to fix */
    public TlsFiles requireReadable() {
        for (Path file : new Path[] {certificate, key, ca}) {
            if (file == null || !Files.isReadable(file)) {
                throw new IllegalStateException("cannot read " + file + ": the proxy needs the node's certificate, key and the "
                        + "cluster's CA (corvus.agent.proxy.certificate, .key, .ca); it never runs without mutual TLS");
            }
        }
        return this;
    }
}
