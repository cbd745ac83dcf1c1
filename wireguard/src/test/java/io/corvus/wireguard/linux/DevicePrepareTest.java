package io.corvus.wireguard.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class DevicePrepareTest {

    @Test
    void preparingADeviceOpensNoLinkNoSocketAndStartsNoThread() throws IOException {
        List<String> filesBefore = tunnelsAndSockets();
        List<String> threadsBefore = deviceThreads();

        Device.prepare();

        assertThat(tunnelsAndSockets()).isEqualTo(filesBefore);
        assertThat(deviceThreads()).isEqualTo(threadsBefore);
    }

    /** What this process holds open of TUN devices and sockets: what starting a device opens. */
    private static List<String> tunnelsAndSockets() throws IOException {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.map(DevicePrepareTest::target).filter(t -> t.equals("/dev/net/tun") || t.startsWith("socket:")).sorted()
                    .toList();
        }
    }

    private static String target(Path descriptor) {
        try {
            return Files.readSymbolicLink(descriptor).toString();
        } catch (IOException closedMeanwhile) {
            return "";
        }
    }

    private static List<String> deviceThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(name -> name.startsWith("wg-")).sorted().toList();
    }
}
