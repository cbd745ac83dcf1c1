package io.corvus.config.domain;

import java.util.List;

import io.corvus.events.payload.NetworkConfig;

/** The outcome of validating a configuration document: accepted, with warnings, or rejected. */
public sealed interface Validation {

    /** @param warnings what was changed on the way in, e.g. the CLB health-check range that was added */
    record Accepted(NetworkConfig config, List<String> warnings) implements Validation {
        public Accepted {
            warnings = List.copyOf(warnings);
        }
    }

    record Rejected(List<Violation> violations) implements Validation {
        public Rejected {
            violations = List.copyOf(violations);
        }
    }
}
