package io.corvus.kafka.broker;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The broker process of a local run: {@code java -cp 'kraft-broker/target/lib/*:kraft-broker.jar'
 * io.corvus.kafka.broker.KraftBrokerMain DATA_DIR PORT [HOST]}, clients served at HOST (default
 * 127.0.0.1). Keeps its data in DATA_DIR (formatted on
 * first start, reused afterwards), prints {@code READY <bootstrap>} once clients can connect and
 * stops cleanly on SIGTERM.
 */
public final class KraftBrokerMain {

    private KraftBrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2 && args.length != 3) {
            System.err.println("usage: KraftBrokerMain DATA_DIR PORT [HOST]");
            System.exit(2);
        }
        int port;
        try {
            port = Integer.parseInt(args[1]);
        } catch (NumberFormatException e) {
            System.err.println("PORT must be a number, got '" + args[1] + "'");
            System.exit(2);
            return;
        }
        KraftBroker broker = KraftBroker.start(Path.of(args[0]), port, args.length == 3 ? args[2] : "127.0.0.1");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            broker.close();
            stopped.countDown();
        }));
        System.out.println("READY " + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
