package io.corvus.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.corvus.events.Json;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code corvus config get|apply|patch|history|delete|list}: a cluster's network configuration
 * through config-service's API. Changes are shown as a diff before they are made, and carry the
 * revision they were based on (If-Match), so that two people never overwrite each other.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Reads and changes a cluster's network configuration through config-service.",
        subcommands = {ConfigCommand.Get.class, ConfigCommand.Apply.class, ConfigCommand.Patch.class, ConfigCommand.History.class,
                ConfigCommand.Delete.class, ConfigCommand.ListClusters.class})
final class ConfigCommand {

    private static final PrintStream OUT = System.out;

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Prints a cluster's configuration and its revision.")
    static final class Get extends ClusterCommand implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = required(target.api().get(cluster), "cluster " + cluster).body();
            output.print(OUT, body, "# cluster " + cluster + ", revision " + body.get("revision") + " of " + body.get("changedAt")
                    + " by " + body.get("actor") + "\n" + Json.yaml().writeValueAsString(body.get("config")).stripTrailing());
            return 0;
        }
    }

    /** {@code -f FILE} or {@code --patch TEXT}: a document or merge patch, in YAML or JSON. */
    static final class Source {
        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "A YAML or JSON file; - reads standard input.")
        Path file;

        @Option(names = {"-p", "--patch"}, paramLabel = "TEXT", description = "The document inline, in YAML or JSON.")
        String inline;

        Object read() {
            String text;
            String where;
            try {
                if (inline != null) {
                    text = inline;
                    where = "--patch";
                } else if (file.toString().equals("-")) {
                    text = new String(System.in.readAllBytes());
                    where = "standard input";
                } else {
                    text = Files.readString(file);
                    where = file.toString();
                }
            } catch (NoSuchFileException e) {
                throw new CliFailure(CliFailure.Exit.FAILED, "no such file: " + file);
            } catch (IOException e) {
                throw new CliFailure(CliFailure.Exit.FAILED, "cannot read " + file + ": " + e.getMessage());
            }
            try {
                Object document = Json.yaml().readValue(text, Object.class); // YAML is a superset of JSON
                if (!(document instanceof Map<?, ?>)) {
                    throw new CliFailure(CliFailure.Exit.FAILED, where + " does not hold an object (a mapping of proxy, tunnel, "
                            + "accessControlList, ...), but " + (document == null ? "nothing" : document));
                }
                return document;
            } catch (JsonProcessingException e) {
                throw new CliFailure(CliFailure.Exit.FAILED, where + " is neither YAML nor JSON: " + e.getOriginalMessage()
                        + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                                + e.getLocation().getColumnNr() + ")"));
            }
        }
    }

    /** Shows the diff of a change against the current revision, then makes it based on that revision. */
    abstract static class Change extends ClusterCommand implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        @Option(names = "--dry-run", description = "Show what would change, and change nothing.")
        boolean dryRun;

        @Option(names = "--if-revision", paramLabel = "N",
                description = "Change only if the configuration is still at revision N (for scripts that read it before); default: "
                        + "the revision read just before, so that a change made meanwhile is never overwritten.")
        Long ifRevision;

        /** What the server would publish (a dry run), or null when the change needs a current revision that is not there. */
        abstract ConfigApi.Reply preview(ConfigApi api, String json) throws IOException, InterruptedException;

        abstract ConfigApi.Reply send(ConfigApi api, String json, String ifMatch) throws IOException, InterruptedException;

        @Override
        public Integer call() throws Exception {
            ConfigApi api = target.api();
            String json = Json.mapper().writeValueAsString(source.read());
            ConfigApi.Reply current = api.get(cluster);
            if (current.status() != 404) {
                required(current, "cluster " + cluster);
            }
            ConfigApi.Reply preview = required(preview(api, json), "cluster " + cluster);
            Object before = current.status() == 404 ? Map.of() : current.body().get("config");
            List<String> diff = ConfigDiffLines.between(before, preview.body().get("config"));
            printWarnings(preview);
            if (output.isTable()) {
                OUT.println(current.status() == 404 ? "cluster " + cluster + " has no configuration yet; this creates it:"
                        : "cluster " + cluster + ", revision " + current.body().get("revision") + (diff.isEmpty() ? ": nothing changes" : ":"));
                diff.forEach(line -> OUT.println("  " + line));
            }
            if (dryRun || diff.isEmpty() && current.status() != 404) {
                output.print(OUT, Map.of("clusterId", cluster, "dryRun", dryRun, "changes", diff),
                        dryRun ? "dry run: nothing was changed" : "nothing to publish");
                return 0;
            }
            String basedOn = ifRevision != null ? "\"" + ifRevision + "\"" : current.status() == 404 ? null : current.etag();
            ConfigApi.Reply written = required(send(api, json, basedOn), "cluster " + cluster);
            output.print(OUT, written.body(), "revision " + written.body().get("revision") + " published");
            return 0;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Replaces a cluster's configuration with a YAML or JSON document, after showing the difference.")
    static final class Apply extends Change {
        @Override
        ConfigApi.Reply preview(ConfigApi api, String json) throws IOException, InterruptedException {
            return api.dryRun(cluster, json, false);
        }

        @Override
        ConfigApi.Reply send(ConfigApi api, String json, String ifMatch) throws IOException, InterruptedException {
            return api.put(cluster, json, ifMatch);
        }
    }

    @Command(name = "patch", mixinStandardHelpOptions = true,
            description = "Changes part of a cluster's configuration (a JSON Merge Patch, written in YAML or JSON), after showing the difference.")
    static final class Patch extends Change {
        @Override
        ConfigApi.Reply preview(ConfigApi api, String json) throws IOException, InterruptedException {
            return api.dryRun(cluster, json, true);
        }

        @Override
        ConfigApi.Reply send(ConfigApi api, String json, String ifMatch) throws IOException, InterruptedException {
            if (ifMatch == null) {
                throw new CliFailure(CliFailure.Exit.NOT_FOUND, "cluster " + cluster + " has no configuration to patch; "
                        + "create it with corvus config apply -f FILE --cluster " + cluster);
            }
            return api.patch(cluster, json, ifMatch);
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "Every revision of a cluster's configuration still on the topic: when, by whom, what changed.")
    static final class History extends ClusterCommand implements Callable<Integer> {
        @Override
        @SuppressWarnings("unchecked")
        public Integer call() throws Exception {
            ConfigApi.Reply reply = required(target.api().history(cluster), "cluster " + cluster);
            List<Map<String, Object>> revisions = (List<Map<String, Object>>) reply.content();
            output.print(OUT, revisions, () -> {
                Output.Table table = new Output.Table("no revisions", "REVISION", "CHANGED AT", "BY", "CHANGES");
                revisions.forEach(r -> table.row(r.get("revision"), r.get("changedAt"), r.get("actor"),
                        String.join("; ", (List<String>) r.getOrDefault("changes", List.of()))));
                return table;
            });
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Switches both modes off (so that every cloud resource is released), then deletes the configuration.")
    static final class Delete extends ClusterCommand implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            ConfigApi api = target.api();
            ConfigApi.Reply current = required(api.get(cluster), "cluster " + cluster);
            ConfigApi.Reply deleted = required(api.delete(cluster, current.etag()), "cluster " + cluster);
            output.print(OUT, deleted.body(), "cluster " + cluster + " deleted: revision " + deleted.body().get("revision")
                    + " switched both modes off (the cloud side is released), then the configuration was removed");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The clusters that have a configuration.")
    static final class ListClusters implements Callable<Integer> {
        @Mixin
        Target target;

        @Mixin
        Output output;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() throws Exception {
            List<Map<String, Object>> clusters = (List<Map<String, Object>>) required(target.api().clusters(), "the clusters").content();
            output.print(OUT, clusters, () -> {
                Output.Table table = new Output.Table("no cluster has a configuration", "CLUSTER", "REVISION", "CHANGED AT", "PROXY", "TUNNEL");
                clusters.forEach(c -> table.row(c.get("clusterId"), c.get("revision"), c.get("changedAt"), onOff(c.get("proxyEnabled")),
                        onOff(c.get("tunnelEnabled"))));
                return table;
            });
            return 0;
        }
    }

    static String onOff(Object enabled) {
        return Boolean.TRUE.equals(enabled) ? "on" : "off";
    }

    private static void printWarnings(ConfigApi.Reply reply) {
        reply.warnings().forEach(w -> System.err.println("warning: " + w));
    }

    /**
     * The reply when it is a success; otherwise a {@link CliFailure} with the server's problem
     * (every error with its JSON pointer) and the exit code for its kind.
     */
    static ConfigApi.Reply required(ConfigApi.Reply reply, String subject) {
        int status = reply.status();
        if (status >= 200 && status < 300) {
            return reply;
        }
        Map<String, Object> problem = reply.body();
        StringBuilder message = new StringBuilder(problem.getOrDefault("title", "HTTP " + status) + ": "
                + problem.getOrDefault("detail", subject));
        reply.errors().forEach(e -> message.append("\n  ").append(e.getOrDefault("pointer", e.get("parameter")))
                .append(": ").append(e.get("detail")));
        CliFailure.Exit exit = switch (status) {
            case 401, 403 -> CliFailure.Exit.NOT_ALLOWED;
            case 404 -> CliFailure.Exit.NOT_FOUND;
            case 409, 412, 428 -> CliFailure.Exit.CONFLICT;
            case 503 -> CliFailure.Exit.UNREACHABLE;
            default -> CliFailure.Exit.FAILED;
        };
        throw new CliFailure(exit, message.toString());
    }
}
