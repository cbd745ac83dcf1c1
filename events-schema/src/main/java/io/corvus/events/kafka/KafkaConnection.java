package io.corvus.events.kafka;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How a Corvus client reaches the brokers: the bootstrap servers and Kafka's own client settings for
 * TLS and SASL ({@code security.protocol}, {@code ssl.*}, {@code sasl.*}), given to every producer,
 * consumer and admin client unchanged. That is all a managed Kafka asks of a client; the settings
 * that make Corvus's clients behave as they must (acks, idempotence, isolation) are not the
 * user's to change, so nothing else is taken.
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> security) {

    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    public KafkaConnection {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("kafka.bootstrap.servers is empty: name the brokers, e.g. kafka:9092");
        }
        security = Map.copyOf(security == null ? Map.of() : security);
        for (String key : security.keySet()) {
            if (!isSecurity(key)) {
                throw new IllegalArgumentException("kafka." + key + " is not a TLS or SASL setting: Corvus's Kafka clients take "
                        + "kafka.bootstrap.servers, kafka.security.protocol, kafka.ssl.* and kafka.sasl.*, and nothing else");
            }
        }
        String protocol = security.getOrDefault("security.protocol", "PLAINTEXT").toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException("kafka.security.protocol is '" + security.get("security.protocol") + "'; use one of "
                    + new TreeSet<>(PROTOCOLS));
        }
        if (protocol.startsWith("SASL_") && !security.containsKey("sasl.jaas.config")) {
            throw new IllegalArgumentException("kafka.security.protocol is " + protocol + " but kafka.sasl.jaas.config is not set: "
                    + "give the client's login (from a Secret), e.g. org.apache.kafka.common.security.plain.PlainLoginModule required "
                    + "username=\"...\" password=\"...\";");
        }
    }

    /** A broker reached in the clear, as the local run and the tests reach theirs. */
    public static KafkaConnection plain(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of());
    }

    /**
     * From a service's {@code kafka.*} settings with the prefix taken off (Quarkus gathers them,
     * from properties and environment alike, as its {@code default-kafka-broker} map): the
     * bootstrap servers and the security settings; see {@link #notTakenFrom} for the others.
     */
    public static KafkaConnection of(Map<String, ?> settings) {
        Map<String, String> security = new HashMap<>();
        settings.forEach((key, value) -> {
            if (isSecurity(key)) {
                security.put(key, String.valueOf(value));
            }
        });
        Object servers = settings.get("bootstrap.servers");
        return new KafkaConnection(servers == null ? null : String.valueOf(servers), security);
    }

    /**
     * The settings {@link #of} leaves out (a service says so at start: an environment may hold
     * KAFKA_* meant for others), but {@code group.id}, which Quarkus itself sets to the application's
     * name: Corvus names its consumer groups itself.
     */
    public static Set<String> notTakenFrom(Map<String, ?> settings) {
        return settings.keySet().stream().filter(key -> !key.equals("bootstrap.servers") && !key.equals("group.id") && !isSecurity(key))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static boolean isSecurity(String key) {
        return key.equals("security.protocol") || key.startsWith("ssl.") || key.startsWith("sasl.");
    }

    /** What every client of this connection is configured with first. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(security);
        config.put("bootstrap.servers", bootstrapServers);
        return config;
    }

    /** The settings without their secrets (passwords and the SASL login), fit for a log line. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        security.forEach((key, value) -> shown.put(key, key.contains("password") || key.equals("sasl.jaas.config") ? "[hidden]" : value));
        return "KafkaConnection[bootstrapServers=" + bootstrapServers + ", security=" + shown + "]";
    }
}
