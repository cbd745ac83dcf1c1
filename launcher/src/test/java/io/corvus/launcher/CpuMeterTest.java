package io.corvus.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CpuMeterTest {

    @Test
    void busyTimeIsEverythingButIdleAndIoWait() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        assertThat(CpuMeter.busySeconds("cpu  1000 20 300 9000 70 5 100 3 0 0")).isCloseTo(14.28, within(1e-9));
    }

    @Test
    void aLineThatIsNotTheSummaryIsRefused() {
        assertThatThrownBy(() -> CpuMeter.busySeconds("cpu0 1 2 3 4 5 6 7 8")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("summary line");
    }

    @Test
    void aThreadsTimeIsReadAfterANameWithSpacesAndParentheses() {
        String stat = "4242 (wg-tun (cv1w2)) S 1 4200 4200 0 -1 4194560 10 0 0 0 250 75 0 0 20 0 30 0 12345 0 0";

        assertThat(CpuMeter.threadName(stat)).isEqualTo("wg-tun (cv1w2)");
        assertThat(CpuMeter.threadSeconds(stat)).isCloseTo(3.25, within(1e-9));
    }

    @Test
    void tunnelDeviceThreadsAreTheJavaDevicesAndWireguardGos() {
        assertThat(CpuMeter.isTunnelDeviceThread("wg-udp-cv1w1")).isTrue();
        assertThat(CpuMeter.isTunnelDeviceThread("wireguard-go")).isTrue();
        assertThat(CpuMeter.isTunnelDeviceThread("iperf3")).isFalse();
        assertThat(CpuMeter.isTunnelDeviceThread("VM Thread")).isFalse();
    }
}
