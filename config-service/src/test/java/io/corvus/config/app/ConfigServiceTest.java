package io.corvus.config.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import io.corvus.events.payload.ConfigChanged;
import org.junit.jupiter.api.Test;

class ConfigServiceTest {

    private final ConfigStore store = new ConfigStore();
    private final InMemoryConfigLog log = new InMemoryConfigLog(store);
    private final ConfigService service = new ConfigService(log, store,
            Clock.fixed(Instant.parse("2026-11-26T08:00:00Z"), ZoneOffset.UTC));

    @Test
    void theFirstConfigurationNeedsNoIfMatchAndBecomesRevisionOne() {
        ConfigService.Outcome outcome = service.replace("c1", Map.of(), OptionalLong.empty(), "alice");

        assertThat(outcome.created()).isTrue();
        assertThat(outcome.current().revision()).isEqualTo(1);
        assertThat(outcome.current().actor()).isEqualTo("alice");
        assertThat(log.published).hasSize(1);
    }

    @Test
    void changingAnExistingConfigurationWithoutIfMatchIsRefusedAndPublishesNothing() {
        service.replace("c1", Map.of(), OptionalLong.empty(), "alice");

        assertThatThrownBy(() -> service.replace("c1", Map.of("tunnel", Map.of("enabled", true)), OptionalLong.empty(), "bob"))
                .isInstanceOf(ConfigProblem.PreconditionRequired.class)
                .hasMessageContaining("If-Match: \"1\"");
        assertThat(log.published).hasSize(1);
    }

    @Test
    void aStaleIfMatchIsRefusedWithTheCurrentRevision() {
        service.replace("c1", Map.of(), OptionalLong.empty(), "alice");
        service.replace("c1", Map.of("tunnel", Map.of("enabled", true)), OptionalLong.of(1), "alice");

        assertThatThrownBy(() -> service.replace("c1", Map.of(), OptionalLong.of(1), "bob"))
                .isInstanceOf(ConfigProblem.PreconditionFailed.class)
                .hasMessageContaining("is at revision 2, not 1");
    }

    @Test
    void anIdenticalDocumentPublishesNothingAndKeepsTheRevision() {
        service.replace("c1", Map.of("accessControlList", List.of("203.0.113.0/24")), OptionalLong.empty(), "alice");

        ConfigService.Outcome again = service.replace("c1", Map.of("accessControlList", "203.0.113.0/24,100.64.0.0/10"),
                OptionalLong.of(1), "alice");

        assertThat(again.changed()).isFalse();
        assertThat(again.current().revision()).isEqualTo(1);
        assertThat(log.published).hasSize(1);
    }

    @Test
    void aMergePatchChangesOnlyWhatItNames() {
        service.replace("c1", Map.of("accessControlList", List.of("203.0.113.0/24")), OptionalLong.empty(), "alice");

        ConfigChanged patched = service.patch("c1", Map.of("tunnel", Map.of("enabled", true)), OptionalLong.of(1), "bob").current();

        assertThat(patched.revision()).isEqualTo(2);
        assertThat(patched.config().tunnel().enabled()).isTrue();
        assertThat(patched.config().accessControlList()).containsExactly("203.0.113.0/24", "100.64.0.0/10");
        assertThat(store.history("c1")).hasValueSatisfying(history -> assertThat(history.getLast().changes())
                .containsExactly("/tunnel/enabled: false -> true"));
    }

    @Test
    void aPatchThatBreaksTheRulesIsRefusedWithThePointer() {
        service.replace("c1", Map.of(), OptionalLong.empty(), "alice");

        assertThatThrownBy(() -> service.patch("c1", Map.of("proxy", Map.of("enabled", "off")), OptionalLong.of(1), "bob"))
                .isInstanceOfSatisfying(ConfigProblem.Invalid.class, invalid -> assertThat(invalid.violations())
                        .singleElement().extracting(v -> v.pointer()).isEqualTo("/proxy/enabled"));
    }

    @Test
    void patchingAClusterWithoutConfigurationIsNotFound() {
        assertThatThrownBy(() -> service.patch("c1", Map.of(), OptionalLong.of(1), "bob"))
                .isInstanceOf(ConfigProblem.NotFound.class);
    }

    @Test
    void deleteDisablesBothModesThenTombstonesAndRevisionsKeepGrowingAfterwards() {
        service.replace("c1", Map.of("tunnel", Map.of("enabled", true)), OptionalLong.empty(), "alice");

        ConfigChanged last = service.delete("c1", OptionalLong.of(1), "alice");

        assertThat(last.revision()).isEqualTo(2);
        assertThat(last.config().disabled()).isTrue();
        assertThat(log.published).last().isEqualTo("tombstone c1");
        assertThat(service.get("c1")).isEmpty();
        assertThat(service.replace("c1", Map.of(), OptionalLong.empty(), "alice").current().revision()).isEqualTo(3);
    }

    @Test
    void anInvalidClusterIdIsRefusedAsAParameter() {
        assertThatThrownBy(() -> service.replace("Bad_Cluster", Map.of(), OptionalLong.empty(), "alice"))
                .isInstanceOfSatisfying(ConfigProblem.Invalid.class, invalid -> assertThat(invalid.violations())
                        .singleElement().extracting(v -> v.pointer()).isEqualTo("clusterId"));
    }
}
