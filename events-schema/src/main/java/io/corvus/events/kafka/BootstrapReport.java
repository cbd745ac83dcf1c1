package io.corvus.events.kafka;

import java.util.List;

/** What {@link TopicBootstrap} found and did. */
public record BootstrapReport(List<String> created, List<String> unchanged, List<Drift> drifts) {

    public BootstrapReport {
        created = List.copyOf(created);
        unchanged = List.copyOf(unchanged);
        drifts = List.copyOf(drifts);
    }

    /** True when every topic now matches the catalog. */
    public boolean consistent() {
        return drifts.isEmpty();
    }

    /** An existing topic whose setting differs from the catalog. */
    public record Drift(String topic, String setting, String actual, String expected) {

        /** A sentence that says what differs and how an operator can fix it. */
        public String explain() {
            if ("exists".equals(setting)) {
                return "topic " + topic + " does not exist; restart a service with corvus.topics.bootstrap=true (the default), "
                        + "which creates the catalog's topics";
            }
            String fix = "partitions".equals(setting)
                    ? "the partition count cannot be changed in place without moving clusters between partitions: "
                            + "recreate the topic with " + expected + " partitions"
                    : "fix it with: kafka-configs.sh --bootstrap-server BROKER --alter --entity-type topics --entity-name "
                            + topic + " --add-config " + setting + "=" + expected;
            return "topic " + topic + ": " + setting + " is " + actual + " but the Corvus catalog says " + expected + "; " + fix;
        }
    }
}
