package io.corvus.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code ./corvus up}: starts the stack and stays in the foreground until Ctrl-C. */
@Command(name = "up", mixinStandardHelpOptions = true, description = "Starts the broker, creates the topics, starts the services and the local agents; Ctrl-C stops them all.")
final class UpCommand implements Callable<Integer> {

    static final String STACK = "stack";

    @ParentCommand
    CorvusCommand corvus;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Layout layout = corvus.layout();
        Path runFolder = layout.runFolder(STACK);
        List<PidFile.Entry> running = new PidFile(runFolder).read().stream()
                .filter(entry -> PidFile.ours(entry).isPresent()).toList();
        if (!running.isEmpty()) {
            System.err.println("a stack is already running (" + running + "); stop it with ./corvus down");
            return 1;
        }
        LocalStack.Ports ports = LocalStack.Ports.fixed();
        String busy = busyPorts(ports);
        if (!busy.isEmpty()) {
            System.err.println("ports in use: " + busy + "; stop what listens there (or ./corvus down) and try again");
            return 1;
        }
        LocalStack stack = new LocalStack(layout, runFolder, out);
        Thread stopper = Thread.ofPlatform().unstarted(() -> {
            out.println("stopping the stack ...");
            stack.close();
            out.println("stopped");
        });
        Runtime.getRuntime().addShutdownHook(stopper);
        stack.start(ports, LocalInventory.read(layout.inventory()), Set.of());
        // what the user commands (corvus config, show, events) read when no --server or --bootstrap is given
        Files.writeString(runFolder.resolve("bootstrap-servers"), stack.bootstrapServers());
        Files.writeString(runFolder.resolve("server"), stack.address("config-service"));
        printTable(out, stack, runFolder);
        // tokens stay in their owner-only files, never on the terminal (or in whatever records it)
        out.println("API tokens: " + runFolder.resolve("admin-token") + " (admin), " + runFolder.resolve("viewer-token")
                + " (viewer, enough for the topology page)");
        out.println("  e.g. curl -H \"Authorization: Bearer $(cat " + runFolder.resolve("admin-token") + ")\" "
                + stack.address("config-service") + "/api/v1/clusters");
        out.println("topology page: " + stack.address("config-service") + "/ (sign in with the token)");
        out.println("Corvus is up. Try ./corvus show gateways, ./corvus events watch, ./corvus config get --cluster "
                + LocalInventory.read(layout.inventory()).clusterId() + "; press Ctrl-C to stop everything.");
        CompletableFuture.allOf(stack.processes().stream()
                .map(p -> p.process().onExit().thenAccept(exited -> out.println(
                        p.name() + " exited with status " + exited.exitValue() + "; see " + p.log())))
                .toArray(CompletableFuture[]::new)).join();
        return 0;
    }

    static void printTable(PrintStream out, LocalStack stack, Path runFolder) {
        out.printf("%-26s %-8s %-26s %s%n", "PROCESS", "PID", "ADDRESS", "LOG");
        stack.processes().forEach(p -> out.printf("%-26s %-8d %-26s %s%n", p.name(), p.pid(), p.address(),
                runFolder.relativize(p.log())));
        stack.processes().stream().filter(p -> p.name().startsWith("agent-")).forEach(p -> {
            LocalStack.AgentPorts ports = stack.agentPorts(p.name().substring("agent-".length()));
            out.printf("%-26s proxy ports: link %d, https door %d, http door %d, metrics %d, health %d%n", p.name(),
                    ports.link(), ports.https(), ports.http(), ports.metrics(), ports.health());
        });
        out.println("run folder: " + runFolder + " (certificates of the local cluster CA in pki/)");
    }

    private static String busyPorts(LocalStack.Ports ports) {
        StringBuilder busy = new StringBuilder();
        Stream.concat(Stream.concat(Stream.of(ports.kafka()),
                        ports.agentPorts().apply(0).all().boxed()), ports.http().values().stream())
                .filter(port -> !free(port))
                .forEach(port -> busy.append(busy.isEmpty() ? "" : ", ").append(port));
        return busy.toString();
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
