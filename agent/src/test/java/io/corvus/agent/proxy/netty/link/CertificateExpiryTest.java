package io.corvus.agent.proxy.netty.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.corvus.pki.ClusterCa;
import org.assertj.core.data.TemporalUnitOffset;
import org.assertj.core.data.TemporalUnitWithinOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateExpiryTest {

    private final ClusterCa ca = ClusterCa.create("c1", Duration.ofDays(30));

    @TempDir
    Path folder;

    @Test
    void theNodesCertificateSaysWhenItExpires() throws Exception {
        Path certificate = ca.issue("edge-1", List.of("127.0.0.1"), Duration.ofDays(20)).writeTo(folder).certificate();

        Instant notAfter = new CertificateExpiry(certificate).notAfter();

        assertThat(notAfter).isCloseTo(Instant.now().plus(Duration.ofDays(20)), byLessThanAnHour());
    }

    @Test
    void aCertificateRenewedInPlaceIsReadAgain() throws Exception {
        Path certificate = ca.issue("edge-1", List.of("127.0.0.1"), Duration.ofDays(20)).writeTo(folder).certificate();
        CertificateExpiry expiry = new CertificateExpiry(certificate);
        Instant first = expiry.notAfter();

        ca.issue("edge-1", List.of("127.0.0.1"), Duration.ofDays(3)).writeTo(folder);

        assertThat(expiry.notAfter()).isNotEqualTo(first).isCloseTo(Instant.now().plus(Duration.ofDays(3)), byLessThanAnHour());
    }

    @Test
    void noFileOrAnUnreadableOneGivesNoExpiryInsteadOfFailingTheHeartbeat() throws Exception {
        Path garbage = Files.writeString(folder.resolve("garbage.crt"), "not a certificate");

        assertThat(new CertificateExpiry(null).notAfter()).isNull();
        assertThat(new CertificateExpiry(folder.resolve("missing.crt")).notAfter()).isNull();
        assertThat(new CertificateExpiry(garbage).notAfter()).isNull();
    }

    private static TemporalUnitOffset byLessThanAnHour() {
        return new TemporalUnitWithinOffset(1, ChronoUnit.HOURS);
    }
}
