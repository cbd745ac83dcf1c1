package io.corvus.agent.boot;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SysPropConfigSource;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * The agent's settings, read once at start from system properties, the environment and (in tests)
 * given values: {@link AgentSettings} under {@code corvus.agent}, and the Kafka client's under
 * {@code kafka.} ({@code KAFKA_*} in the environment). An unknown {@code corvus.agent.*} name or a
 * value of the wrong form stops the start with the names at fault.
 */
public record AgentConfig(AgentSettings settings, Map<String, Object> kafka) {

    /** The agent's name towards Kafka: CloudEvents source, client id prefix. */
    public static final String SERVICE_NAME = "agent";
    static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
    private static final String KAFKA_PREFIX = "kafka.";
    private static final String KAFKA_ENVIRONMENT_PREFIX = "KAFKA_";

    public AgentConfig {
        kafka = Map.copyOf(kafka);
    }

    /** From the process's system properties and environment. */
    public static AgentConfig fromProcess() {
        return read(Map.of(), System.getenv());
    }

    /**
     * @param given       values that come before the system properties and the environment (a test's)
     * @param environment the process's environment, or a test's
     */
    public static AgentConfig read(Map<String, String> given, Map<String, String> environment) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(given, "given", 500), new SysPropConfigSource(),
                        new EnvConfigSource(environment, 300))
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(ByteSize.class, 200, ByteSize::parse)
                .withMapping(AgentSettings.class)
                .build();
        Map<String, Object> kafka = new TreeMap<>();
        kafka.put("bootstrap.servers", DEFAULT_BOOTSTRAP_SERVERS);
        environment.forEach((name, value) -> {
            if (name.startsWith(KAFKA_ENVIRONMENT_PREFIX)) { // KAFKA_SASL_JAAS_CONFIG is sasl.jaas.config
                kafka.put(name.substring(KAFKA_ENVIRONMENT_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(KAFKA_PREFIX)) {
                config.getOptionalValue(name, String.class).ifPresent(value -> kafka.put(name.substring(KAFKA_PREFIX.length()), value));
            }
        }
        return new AgentConfig(config.getConfigMapping(AgentSettings.class), kafka);
    }

    /** Durations as the services write them: {@code 200ms}, {@code 1s}, {@code 5m}, {@code 2h}, {@code 1d}, a number of seconds, or ISO-8601. */
    static final class DurationConverter implements Converter<Duration> {

        private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

        @Override
        public Duration convert(String text) {
            String value = text.trim();
            Matcher matcher = SHORT.matcher(value);
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                return switch (matcher.group(2) == null ? "s" : matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    case "d" -> Duration.ofDays(amount);
                    default -> Duration.ofSeconds(amount);
                };
            }
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration: write 200ms, 1s, 5m, 2h or 1d");
            }
        }
    }
}
