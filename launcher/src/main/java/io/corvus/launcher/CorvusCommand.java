package io.corvus.launcher;

import java.nio.file.Path;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code ./corvus}: run Corvus locally, with a real Kafka broker and no Docker. */
@Command(name = "corvus", mixinStandardHelpOptions = true, version = Layout.VERSION,
        description = {"Runs Corvus locally (a real Kafka broker process, the services and the local agents), and operates any Corvus:",
                "its configuration, its events, what its topics say. Exit codes: 0 done, 1 failed or refused, 2 bad command line,",
                "3 not found, 4 conflict (changed meanwhile), 5 token not allowed, 6 server or broker unreachable."},
        subcommands = {UpCommand.class, DownCommand.class, DemoCommand.class, ConfigCommand.class, EventsCommand.class, ShowCommand.class,
                VerifyCommand.class, DiagnoseCommand.class, BenchmarkCommand.class,
                BenchConfigWritesCommand.class, BenchStarvationCommand.class, BenchStartupCommand.class, BenchBrokerKillCommand.class, BenchSoakCommand.class,
                SecretsCommand.class, KubeletStubCommand.class, CheckApiCommand.class})
public final class CorvusCommand {

    @Option(names = "--home", description = "The Corvus repository root (default: the current directory).",
            defaultValue = "${sys:corvus.home:-.}")
    Path home;

    Layout layout() {
        return new Layout(home.toAbsolutePath().normalize());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with Corvus's error handling: a {@link CliFailure} is its message and its exit code. */
    static CommandLine commandLine() {
        return new CommandLine(new CorvusCommand()).setExecutionExceptionHandler((error, command, parsed) -> {
            command.getErr().println("corvus: " + error.getMessage());
            return error instanceof CliFailure failure ? failure.exitCode() : 1;
        });
    }
}
