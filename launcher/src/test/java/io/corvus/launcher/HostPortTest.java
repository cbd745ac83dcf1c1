package io.corvus.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

    @ParameterizedTest
    @CsvSource({"10.244.1.2:5302, 10.244.1.2, 5302", "10.244.1.2, 10.244.1.2, 5301", "[fd00::2]:80, fd00:0:0:0:0:0:0:2, 80",
            "fd00::2, fd00:0:0:0:0:0:0:2, 5301", "[fd00::2], fd00:0:0:0:0:0:0:2, 5301"})
    void aHostWithOrWithoutItsPortIsTaken(String text, String host, int port) {
        var address = HostPort.parse(text, "--to", 5301);

        assertThat(address.getHostString()).isEqualTo(host);
        assertThat(address.getPort()).isEqualTo(port);
    }

    @ParameterizedTest
    @ValueSource(strings = {":80", "host:", "host:0", "host:65536", "host:http", "[fd00::2", "[fd00::2]80"})
    void whatIsNotHostAndPortIsRefusedWithTheOptionsName(String text) {
        assertThatThrownBy(() -> HostPort.parse(text, "--to", 5301)).isInstanceOf(CliFailure.class).hasMessageStartingWith("--to " + text + " is not");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "[fd00::1]"})
    void aPortIsRequiredWhereThereIsNoDefault(String text) {
        assertThatThrownBy(() -> HostPort.parse(text, "--door", 0)).isInstanceOf(CliFailure.class).hasMessageContaining("is not HOST:PORT");
    }
}
