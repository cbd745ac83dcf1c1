package io.corvus.launcher;

import java.nio.file.Path;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code ./corvus}: run Corvus locally, with a real Kafka broker and no Docker. */
@Command(name = "corvus", mixinStandardHelpOptions = true, version = Layout.VERSION,
        description = "Runs Corvus locally: a real Kafka broker process, the services and the local agents.",
        subcommands = {UpCommand.class, DownCommand.class, DemoCommand.class, WatchCommand.class,
                BenchConfigWritesCommand.class, BenchStarvationCommand.class, BenchBrokerKillCommand.class, BenchSoakCommand.class,
                SecretsCommand.class, KubeletStubCommand.class, CheckApiCommand.class})
public final class CorvusCommand {

    @Option(names = "--home", description = "The Corvus repository root (default: the current directory).",
            defaultValue = "${sys:corvus.home:-.}")
    Path home;

    Layout layout() {
        return new Layout(home.toAbsolutePath().normalize());
    }

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new CorvusCommand())
                .setExecutionExceptionHandler((error, command, parsed) -> {
                    command.getErr().println("corvus: " + error.getMessage());
                    return 1;
                });
        System.exit(commandLine.execute(args));
    }
}
