package io.corvus.config.app;

import java.util.List;

import io.corvus.config.domain.Violation;

/** Why a request to change or read a configuration was refused; nothing was published. */
public abstract sealed class ConfigProblem extends RuntimeException {

    ConfigProblem(String message) {
        super(message);
    }

    /** The input breaks the rules; each violation names its place. */
    public static final class Invalid extends ConfigProblem {
        private final List<Violation> violations;

        public Invalid(List<Violation> violations) {
            super(violations.size() + " problem(s) in the request; nothing was published");
            this.violations = List.copyOf(violations);
        }

        public List<Violation> violations() {
            return violations;
        }
    }

    public static final class NotFound extends ConfigProblem {
        public NotFound(String clusterId) {
            super("cluster " + clusterId + " has no network configuration");
        }
    }

    /** Changing an existing configuration needs If-Match with the revision it was based on. */
    public static final class PreconditionRequired extends ConfigProblem {
        public PreconditionRequired(String clusterId, long revision) {
            super("cluster " + clusterId + " already has revision " + revision
                    + "; send If-Match: \"" + revision + "\" with the revision your change is based on");
        }
    }

    /** The configuration changed since the revision the request was based on. */
    public static final class PreconditionFailed extends ConfigProblem {
        public PreconditionFailed(String message) {
            super(message);
        }
    }
}
