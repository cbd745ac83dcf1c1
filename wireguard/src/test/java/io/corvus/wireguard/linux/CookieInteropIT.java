package io.corvus.wireguard.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.corvus.wireguard.Identity;
import io.corvus.wireguard.NamespacePair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cookies against wireguard-go: the Java device (side 2) under a flood of initiations from a
 * process beside wireguard-go (side 1) answers them with cookie replies; wireguard-go, whose own
 * initiation gets one too, proves its address with the cookie (mac2) on its next try and is served:
 * a ping from its namespace is answered while the flood goes on. Needs root.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a bound for a hang, not a timing: every step waits for its answer
class CookieInteropIT {

    private static final int GO_PORT = 51820;
    private static final int JAVA_PORT = 51822;
    private static final int FLOOD_PER_SECOND = 2000;

    @TempDir
    static Path work;
    private static NamespacePair lab;
    private static Process flood;

    @BeforeAll
    static void startBothDevicesAndTheFlood() throws Exception {
        lab = NamespacePair.create(Path.of(".."), "wgc");
        Identity javaKey = lab.startJavaAndWireguardGo(work, 2, JAVA_PORT, GO_PORT, List.of()).java();
        flood = lab.command(1, Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                InitiationFlood.class.getName(), lab.underlayAddress(2), String.valueOf(JAVA_PORT), javaKey.publicKeyBase64(),
                String.valueOf(FLOOD_PER_SECOND)).redirectErrorStream(true).redirectOutput(work.resolve("flood.log").toFile()).start();
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (flood != null) {
            flood.destroy();
            flood.waitFor();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void wireguardGoProvesItsAddressWithTheCookieAndIsServedDuringTheFlood() throws Exception {
        Path log = work.resolve("java-device-2.log");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.readString(work.resolve("flood.log")).contains("the target answers with cookie replies"));
        String ping = lab.run(1, "ping", "-n", "-c", "1", "-w", "60", lab.tunnelAddress(2));
        assertThat(ping).containsPattern(" [1-9][0-9]* received");
        assertThat(flood.isAlive()).as("the flood went on all along").isTrue();

        lab.stopDevices();
        String drops = Files.readString(log);
        Matcher answered = Pattern.compile("answered_with_cookie=(\\d+)").matcher(drops);
        assertThat(answered.find()).as(drops).isTrue();
        assertThat(Long.parseLong(answered.group(1))).as("initiations answered with a cookie").isGreaterThan(100);
    }
}
