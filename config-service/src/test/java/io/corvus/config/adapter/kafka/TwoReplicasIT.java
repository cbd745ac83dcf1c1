package io.corvus.config.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import io.corvus.config.app.ConfigLog;
import io.corvus.config.app.ConfigProblem;
import io.corvus.events.kafka.TopicBootstrap;
import io.corvus.testing.TestBrokers;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two replicas behind one Service: conflicting writes never both succeed, and a new replica rebuilds the same state. */
class TwoReplicasIT {

    private static final int ROUNDS = 15;

    @BeforeAll
    static void topics() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestBrokers.bootstrapServers()))) {
            new TopicBootstrap(admin).ensureTopics();
        }
    }

    @Test
    void ofTwoReplicasWritingTheSameRevisionAtOnceNeverBothSucceed() throws Exception {
        String cluster = "replicated-" + System.nanoTime();
        try (Replica a = new Replica(TestBrokers.bootstrapServers(), "a");
                Replica b = new Replica(TestBrokers.bootstrapServers(), "b");
                var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            a.service.replace(cluster, Map.of(), OptionalLong.empty(), "a");
            long revision = 1;
            int contested = 0;
            for (int round = 0; round < ROUNDS; round++) {
                long basedOn = revision;
                await().atMost(Duration.ofSeconds(30)).until(() -> b.store.state(cluster).lastRevision() == basedOn);
                List<Callable<String>> writes = List.of(
                        write(a, cluster, basedOn, 10 + round),
                        write(b, cluster, basedOn, 500 + round));
                List<String> outcomes = executor.invokeAll(writes).stream().map(TwoReplicasIT::get).toList();

                assertThat(outcomes).as("round %d", round).filteredOn("accepted"::equals).hasSizeLessThanOrEqualTo(1);
                if (outcomes.contains("accepted")) {
                    revision++;
                }
                if (!outcomes.contains("unavailable")) {
                    contested++;
                }
            }
            long finalRevision = revision;
            List<ConfigTopic.Entry> published = ConfigTopic.of(TestBrokers.bootstrapServers(), cluster);
            assertThat(published).extracting(e -> e.event().revision())
                    .as("one record per accepted revision, no gap, no duplicate")
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, finalRevision).boxed().toList());
            assertThat(finalRevision).as("most rounds had a winner").isGreaterThan(ROUNDS / 2);
            assertThat(contested).isPositive();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(b.store.current(cluster)).isEqualTo(a.store.current(cluster)));
        }
    }

    @Test
    void aReplicaStartedLaterRebuildsTheSameConfigurationsAndHistory() {
        String cluster = "rebuilt-" + System.nanoTime();
        try (Replica first = new Replica(TestBrokers.bootstrapServers(), "first")) {
            first.service.replace(cluster, Map.of("accessControlList", List.of("203.0.113.0/24")), OptionalLong.empty(), "ops");
            first.service.patch(cluster, Map.of("tunnel", Map.of("enabled", true)), OptionalLong.of(1), "ops");
            first.service.patch(cluster, Map.of("cloud", Map.of("eipBandwidthMbps", 50)), OptionalLong.of(2), "dev");

            try (Replica restarted = new Replica(TestBrokers.bootstrapServers(), "restarted")) {
                assertThat(restarted.store.current(cluster)).isEqualTo(first.store.current(cluster));
                assertThat(restarted.store.history(cluster)).isEqualTo(first.store.history(cluster));
                assertThat(restarted.store.history(cluster)).hasValueSatisfying(history -> assertThat(history)
                        .extracting(h -> h.changes().getFirst())
                        .containsExactly("created", "/tunnel/enabled: false -> true", "/cloud/eipBandwidthMbps: 100 -> 50"));
            }
        }
    }

    private static Callable<String> write(Replica replica, String cluster, long basedOn, int bandwidth) {
        return () -> {
            try {
                replica.service.replace(cluster, Map.of("cloud", Map.of("eipBandwidthMbps", bandwidth)), OptionalLong.of(basedOn),
                        "writer");
                return "accepted";
            } catch (ConfigProblem.PreconditionFailed stale) {
                return "stale";
            } catch (ConfigLog.LogUnavailable busy) {
                return "unavailable";
            }
        };
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
