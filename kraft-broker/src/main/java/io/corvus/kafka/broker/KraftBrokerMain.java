package io.corvus.kafka.broker;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The broker process of a local run: {@code java -cp 'kraft-broker/target/lib/*:kraft-broker.jar'
 * io.corvus.kafka.broker.KraftBrokerMain DATA_DIR PORT [HOST [SASL_SSL_FILE]]}, clients served at
 * HOST (default 127.0.0.1), over SASL_SSL alone when SASL_SSL_FILE is given: a properties file
 * (owner-only: it holds passwords) with {@code key-store} (PKCS12), {@code key-store-password} and
 * one {@code user.NAME=PASSWORD} per login. Keeps its data in DATA_DIR (formatted on first start,
 * reused afterwards), prints {@code READY <bootstrap>} once clients can connect and stops cleanly
 * on SIGTERM.
 */
public final class KraftBrokerMain {

    private KraftBrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: KraftBrokerMain DATA_DIR PORT [HOST [SASL_SSL_FILE]]");
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
        Optional<KraftBroker.SaslSsl> saslSsl = args.length == 4 ? Optional.of(saslSsl(Path.of(args[3]))) : Optional.empty();
        KraftBroker broker = KraftBroker.start(Path.of(args[0]), port, args.length >= 3 ? args[2] : "127.0.0.1", saslSsl);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            broker.close();
            stopped.countDown();
        }));
        System.out.println("READY " + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    private static KraftBroker.SaslSsl saslSsl(Path file) throws IOException {
        Properties settings = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            settings.load(reader);
        }
        Map<String, String> users = new HashMap<>();
        settings.stringPropertyNames().stream().filter(name -> name.startsWith("user."))
                .forEach(name -> users.put(name.substring("user.".length()), settings.getProperty(name)));
        if (settings.getProperty("key-store") == null || settings.getProperty("key-store-password") == null) {
            throw new IllegalArgumentException(file + " must name key-store and key-store-password");
        }
        return new KraftBroker.SaslSsl(Path.of(settings.getProperty("key-store")), settings.getProperty("key-store-password"), users);
    }
}
