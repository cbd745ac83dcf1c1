package io.corvus.elector.domain;

import java.nio.charset.StandardCharsets;

/**
 * Rendezvous (highest random weight) hashing: each (cluster, pool, node) gets a stable score, and a
 * free slot goes to the candidate with the highest score. The choice looks random, is the same on
 * every replica and after every restart, and when a node leaves only the slots it held move.
 */
public final class Rendezvous {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Rendezvous() {
    }

    /** FNV-1a over the three names (separated so that "a"+"bc" differs from "ab"+"c"), then a 64-bit finaliser. */
    public static long score(String clusterId, String pool, String node) {
        long hash = FNV_OFFSET;
        for (String part : new String[] {clusterId, pool, node}) {
            for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
                hash = (hash ^ (b & 0xff)) * FNV_PRIME;
            }
            hash = (hash ^ 0) * FNV_PRIME;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        hash ^= hash >>> 33;
        return hash;
    }
}
