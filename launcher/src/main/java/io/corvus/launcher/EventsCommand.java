package io.corvus.launcher;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.corvus.events.Json;
import io.corvus.events.Topic;
import io.corvus.events.codec.EventType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code corvus events watch}: the events on the Corvus topics as they arrive, as the demo prints them. */
@Command(name = "events", mixinStandardHelpOptions = true, description = "Follows the events on the Corvus topics.",
        subcommands = EventsCommand.Watch.class)
final class EventsCommand {

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = {"Prints each event on the Corvus topics as it arrives, one line each (-o json: one JSON object per line), "
                    + "until Ctrl-C. A node's heartbeat is printed when what its agent does changes, not every second."})
    static final class Watch implements Callable<Integer> {

        @Mixin
        Target target;

        @Mixin
        Output output;

        @Option(names = "--cluster", description = "Only this cluster's events.")
        String cluster;

        @Option(names = "--topic", split = ",", paramLabel = "TOPIC",
                description = "Only these topics, by name (corvus.topology.v1) or short name (topology); default: all.")
        List<String> topics = List.of();

        @Option(names = "--type", split = ",", paramLabel = "TYPE",
                description = "Only these event types (topology.changed, agent.heartbeat, ...); default: all.")
        List<String> types = List.of();

        @Option(names = "--since", paramLabel = "WHEN",
                description = "Start this long ago (90s, 10m, 2h) or at this time (2026-12-04T10:42:00Z); 'all' for everything "
                        + "the topics hold. Default: only what arrives from now on.")
        String since;

        @Option(names = "--for", paramLabel = "DURATION", description = "Stop after this long (90s, 10m), for scripts; default: at Ctrl-C.")
        String watchFor;

        @Override
        public Integer call() throws Exception {
            EventWatcher.Selection selection = new EventWatcher.Selection(cluster, topics(), types(), since(since));
            CountDownLatch stop = new CountDownLatch(1);
            try (EventWatcher watcher = new EventWatcher(target.kafka(), System.out, selection, formatter()).start()) {
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(stop::countDown));
                if (watchFor == null) {
                    stop.await();
                } else {
                    stop.await(duration(watchFor, "--for").toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            }
            return 0;
        }

        private Function<EventWatcher.Seen, String> formatter() {
            if (output.isTable()) {
                return EventLine::of;
            }
            return seen -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("at", seen.at().toString());
                entry.put("topic", seen.topic());
                entry.put("key", seen.key());
                entry.put("type", seen.type());
                entry.put(seen.problem() == null ? "event" : "problem", seen.problem() == null ? seen.event() : seen.problem());
                try {
                    return output.format == Output.Format.json ? Json.mapper().writeValueAsString(entry)
                            : "---\n" + Json.yaml().writeValueAsString(entry).stripTrailing();
                } catch (JsonProcessingException e) {
                    return "# cannot write " + seen.topic() + " " + seen.key() + ": " + e.getMessage();
                }
            };
        }

        private Set<Topic> topics() {
            Set<Topic> chosen = EnumSet.noneOf(Topic.class);
            for (String name : topics) {
                chosen.add(Arrays.stream(Topic.values())
                        .filter(t -> t.topicName().equals(name) || t.topicName().equals("corvus." + name + ".v1")).findFirst()
                        .orElseThrow(() -> new CliFailure(CliFailure.Exit.FAILED, "no topic '" + name + "'; the topics are "
                                + Arrays.stream(Topic.values()).map(Topic::topicName).toList())));
            }
            return chosen;
        }

        private Set<String> types() {
            Set<String> known = Arrays.stream(EventType.values()).map(EventLine::shortType).collect(Collectors.toCollection(TreeSet::new));
            for (String type : types) {
                if (!known.contains(type)) {
                    throw new CliFailure(CliFailure.Exit.FAILED, "no event type '" + type + "'; the types are " + known);
                }
            }
            return Set.copyOf(types);
        }
    }

    /** {@code all}, a duration ago ({@code 90s}, {@code 10m}, {@code 2h}), or an ISO-8601 time; null for "from now on". */
    static Instant since(String since) {
        if (since == null) {
            return null;
        }
        if (since.equals("all")) {
            return Instant.EPOCH;
        }
        if (Character.isDigit(since.charAt(0)) && since.contains("T")) {
            try {
                return Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw new CliFailure(CliFailure.Exit.FAILED, "--since " + since + " is not a time like 2026-12-04T10:42:00Z");
            }
        }
        return Instant.now().minus(duration(since, "--since"));
    }

    /** {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d}. */
    static Duration duration(String text, String option) {
        if (!text.matches("\\d{1,9}[smhd]")) {
            throw new CliFailure(CliFailure.Exit.FAILED, option + " " + text + " is not a duration like 90s, 10m, 2h or 1d");
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }
}
