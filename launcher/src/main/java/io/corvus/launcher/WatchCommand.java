package io.corvus.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.corvus.events.kafka.KafkaConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ./corvus watch}: prints the events on every Corvus topic, one line each, as they arrive. */
@Command(name = "watch", description = "Prints each event on the Corvus topics as one line, as it arrives, until Ctrl-C.")
final class WatchCommand implements Callable<Integer> {

    @ParentCommand
    CorvusCommand corvus;

    @Option(names = "--bootstrap-server", description = "Kafka to read (default: the broker of ./corvus up).")
    String bootstrapServers;

    @Option(names = "--from-beginning", description = "Print what the topics already hold, too.")
    boolean fromBeginning;

    @Override
    public Integer call() throws Exception {
        String servers = bootstrapServers;
        if (servers == null) {
            Path file = corvus.layout().runFolder(UpCommand.STACK).resolve("bootstrap-servers");
            if (!Files.exists(file)) {
                System.err.println("no stack is up: start one with ./corvus up, or pass --bootstrap-server HOST:PORT");
                return 1;
            }
            servers = Files.readString(file).trim();
        }
        CountDownLatch interrupted = new CountDownLatch(1);
        try (EventWatcher watcher = new EventWatcher(KafkaConnection.plain(servers), System.out, fromBeginning).start()) {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(interrupted::countDown));
            interrupted.await();
        }
        return 0;
    }
}
