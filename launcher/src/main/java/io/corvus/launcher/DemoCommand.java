package io.corvus.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.ConfigChanged;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ./corvus demo}: starts a fresh stack on free ports, writes a sample configuration through
 * config-service's API (and a bad one, to show the refusal), prints each event that follows,
 * checks that the expected ones arrived, and stops the stack. Exits 1 when an expected event does
 * not arrive in time or the API does not answer as it should.
 */
@Command(name = "demo", description = "Starts a fresh stack, configures a cluster through the API, prints the events that follow, then stops.")
final class DemoCommand implements Callable<Integer> {

    static final String STACK = "demo";
    static final String CLUSTER = "demo";
    static final LocalStack.LocalNode NODE = new LocalStack.LocalNode(CLUSTER, "local-node-1");
    /** The seed's example: proxy on, tunnel off, a two-entry whitelist (config-service adds the CLB range). */
    static final String SAMPLE = """
            {"proxy": {"enabled": true}, "tunnel": {"enabled": false},
             "accessControlList": "203.0.113.0/24,198.51.100.7/32"}""";
    /** Host bits set, and a shorthand address: refused, and nothing is published. */
    static final String BAD = """
            {"accessControlList": "10.0.0.1/24,1.2.3/24"}""";

    @ParentCommand
    CorvusCommand corvus;

    @Option(names = "--timeout", description = "How long to wait for each expected event (default: ${DEFAULT-VALUE}).",
            defaultValue = "PT60S")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path runFolder = corvus.layout().freshRunFolder(STACK);
        try (LocalStack stack = new LocalStack(corvus.layout(), runFolder, out)) {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(stack::close));
            out.println("== starting a fresh stack (broker process, services, local agent)");
            stack.start(LocalStack.Ports.free(), NODE);
            UpCommand.printTable(out, stack, runFolder);

            ConfigApi api = new ConfigApi(stack.address("config-service"), stack.tokens().admin());
            if (!configure(api, out)) {
                return 1;
            }
            out.println("== events on the topics (from the beginning), as they arrive");
            try (EventWatcher watcher = new EventWatcher(stack.bootstrapServers(), out, true).start()) {
                List<Expectation> unmet = Expectation.awaitAll(expectations(), watcher, timeout);
                if (!unmet.isEmpty()) {
                    unmet.forEach(e -> System.err.println("DEMO FAILED: " + e.description() + " did not arrive within "
                            + timeout.toSeconds() + " s; logs are in " + runFolder.resolve("logs")));
                    return 1;
                }
            }
            out.println("== every expected event arrived; stopping the stack");
        }
        out.println("== demo finished");
        return 0;
    }

    /** The API part of the demo: one accepted PUT, one refused. */
    static boolean configure(ConfigApi api, PrintStream out) throws IOException, InterruptedException {
        out.println("== PUT /api/v1/clusters/" + CLUSTER + "/network-config " + SAMPLE.replaceAll("\\s+", " "));
        ConfigApi.Reply accepted = api.put(CLUSTER, SAMPLE, null);
        out.println("   -> " + accepted.status() + ", ETag " + accepted.etag() + ", revision " + accepted.body().get("revision"));
        accepted.warnings().forEach(w -> out.println("   warning: " + w));
        out.println("== PUT /api/v1/clusters/" + CLUSTER + "/network-config " + BAD.replaceAll("\\s+", " "));
        ConfigApi.Reply refused = api.put(CLUSTER, BAD, null);
        out.println("   -> " + refused.status() + " " + refused.body().get("title") + ": " + refused.body().get("detail"));
        refused.errors().forEach(e -> out.println("   " + e.get("pointer") + ": " + e.get("detail")));
        if (accepted.status() != 201 || refused.status() != 400) {
            System.err.println("DEMO FAILED: expected 201 for the sample and 400 for the bad input, got "
                    + accepted.status() + " and " + refused.status() + ": " + accepted.body() + " / " + refused.body());
            return false;
        }
        return true;
    }

    static List<Expectation> expectations() {
        return List.of(
                new Expectation("the configuration event (revision 1) of cluster " + CLUSTER,
                        event -> event instanceof ConfigChanged c && c.clusterId().equals(CLUSTER) && c.revision() == 1
                                && c.config().accessControlList().contains("100.64.0.0/10")),
                new Expectation("a heartbeat of agent " + NODE.nodeName(),
                        event -> event instanceof AgentHeartbeat h && h.nodeName().equals(NODE.nodeName())));
    }

    /** The configuration events a watcher saw: exactly one, since the bad input published nothing. */
    static List<Long> configRevisions(EventWatcher watcher) {
        return watcher.seen().stream().filter(ConfigChanged.class::isInstance).map(e -> ((ConfigChanged) e).revision())
                .collect(Collectors.toList());
    }
}
