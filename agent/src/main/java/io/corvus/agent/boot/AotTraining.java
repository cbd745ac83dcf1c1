package io.corvus.agent.boot;

import java.util.logging.Logger;

import io.corvus.wireguard.linux.Device;

/**
 * The agent as its ahead-of-time training run starts it ({@code aot-train.sh}): first the Java
 * WireGuard device is made ready ({@link Device#prepare}: its classes, its cipher's library, a
 * handshake between throwaway keys), so that the cache holds what a node loads when it becomes a
 * tunnel gateway; then the agent itself. An agent taking the role over at a failover loaded and
 * linked these on a cold JVM in most of a second; from the cache it takes about half that, and a
 * node that never becomes a gateway pays nothing for them (the cache is a mapped file, read where
 * used). The training's agent has no tunnel: without this the device would not be in the cache.
 */
public final class AotTraining {

    private static final Logger LOG = Logger.getLogger(AotTraining.class.getName());

    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        try {
            Device.prepare();
        } catch (RuntimeException | LinkageError e) { // the cache is then written without the device, as before
            LOG.warning(() -> "AOT training: the Java WireGuard device could not be made ready, the cache will not hold it: " + e);
        }
        AgentMain.main(args);
    }
}
