package io.corvus.wireguard.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.corvus.wireguard.NamespacePair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Java devices with WireGuard's default MTU of 1420 over an underlay of 1400: a full packet's
 * message does not fit the underlay, so the kernel refuses to cut a batch of them (UDP GSO), and
 * each device sends its datagrams one by one from then on, which the kernel fragments. TCP still
 * carries data both ways. Needs root.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a bound for a hang, not a timing: every step waits for its answer
class SmallUnderlayIT {

    @TempDir
    static Path work;
    private static NamespacePair lab;

    @BeforeAll
    static void startTwoJavaDevicesOverASmallUnderlay() throws Exception {
        lab = NamespacePair.create(Path.of(".."), "wgm");
        lab.run(1, "ip", "link", "set", "eth0", "mtu", "1400");
        lab.run(2, "ip", "link", "set", "eth0", "mtu", "1400");
        lab.startPair(work, 51860, true, List.of());
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void theDevicesSendOneByOneWhenTheKernelCannotCutAndTcpStillFlowsBothWays() throws Exception {
        Process server = lab.serveIperf(2, lab.tunnelAddress(2));
        try {
            assertThat(lab.run(1, "iperf3", "-c", lab.tunnelAddress(2), "-n", "10M", "-f", "m")).contains("receiver");
            assertThat(lab.run(1, "iperf3", "-c", lab.tunnelAddress(2), "-n", "10M", "-f", "m", "-R")).contains("receiver");
        } finally {
            server.destroy();
            server.waitFor();
        }
        lab.stopDevices();
        for (int side = 1; side <= 2; side++) {
            assertThat(Files.readString(work.resolve("java-device-" + side + ".log"))).as("side " + side)
                    .contains("the kernel refused segmented UDP sends");
        }
    }
}
