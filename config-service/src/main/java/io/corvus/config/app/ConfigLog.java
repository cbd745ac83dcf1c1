package io.corvus.config.app;

import java.util.List;
import java.util.function.Function;

import io.corvus.events.payload.ConfigChanged;

/**
 * Where accepted changes are published: {@code corvus.config.v1}. The port that makes two
 * conflicting writes to one cluster never both succeed, whichever replica receives them.
 */
public interface ConfigLog {

    /** What a change publishes: a new revision, and for a delete also the tombstone that follows it. */
    record Entries(List<ConfigChanged> revisions, boolean tombstone) {
        public static final Entries NOTHING = new Entries(List.of(), false);

        public Entries {
            revisions = List.copyOf(revisions);
        }
    }

    /**
     * Decides a change against the cluster's authoritative state, while no other writer of the
     * cluster (on any replica) can publish, and publishes what the decision returns in one
     * transaction. Returns after the broker acknowledged it. An exception from {@code decide}
     * publishes nothing.
     *
     * @throws LogUnavailable when the broker cannot be reached; nothing was published
     */
    Entries commit(String clusterId, Function<ClusterState, Entries> decide);

    /** The broker cannot take the change now; the caller may retry after {@code retryAfterSeconds}. */
    final class LogUnavailable extends RuntimeException {
        private final int retryAfterSeconds;

        public LogUnavailable(String message, int retryAfterSeconds, Throwable cause) {
            super(message, cause);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public int retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
