package io.corvus.wireguard.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import io.corvus.wireguard.DeviceConfig;
import io.corvus.wireguard.TransportCiphers;

/**
 * Runs one device until stopped: {@code Main TUN-NAME [CONFIG-FILE]} (the config in {@code wg setconf}'s
 * format, see {@link DeviceConfig}; without one the device starts with no key and no peers, to be
 * configured with {@code wg}). The caller gives the TUN device its address and brings it up
 * with {@code ip}, as with wireguard-go. Prints the handshakes completed and the drop counters when it stops.
 */
public final class Main {

    /** A system property for tests: renew sessions after this many messages instead of 2^60. */
    public static final String REKEY_AFTER_MESSAGES = "corvus.wireguard.rekey-after-messages";

    private Main() {
    }

    /** On SIGTERM: the control socket removed, the counters said. */
    private static void stop(Device device) {
        try {
            device.close();
        } catch (IOException e) {
            System.err.println("stopping the device: " + e.getMessage());
        }
        System.out.println("handshakes completed " + device.handshakesCompleted() + ", drops " + device.drops());
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: Main TUN-NAME [CONFIG-FILE]");
            System.exit(2);
        }
        DeviceConfig config = DeviceConfig.UNCONFIGURED;
        try {
            if (args.length == 2) {
                config = DeviceConfig.parse(Files.readString(Path.of(args[1])));
            }
        } catch (IllegalArgumentException e) {
            System.err.println(args[1] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        TransportCiphers.Choice cipher;
        try {
            cipher = TransportCiphers.chosen();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        long rekeyAfterMessages = Long.getLong(REKEY_AFTER_MESSAGES, Device.REKEY_AFTER_MESSAGES);
        Device device = Device.start(config, args[0], Device.DEFAULT_MTU, rekeyAfterMessages, Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(device)));
        System.out.println("device " + args[0] + " up, UDP port " + device.port() + ", MTU " + Device.DEFAULT_MTU + ", "
                + config.peers().size() + " peers, " + Device.DEFAULT_CRYPTO_HELPERS + " crypto helper threads, transport cipher "
                + cipher.cipher().description() + " (" + cipher.reason() + ")");
        Thread.currentThread().join(); // the device's threads forward until the process is stopped
    }
}
