package io.corvus.config.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

import io.corvus.config.app.ConfigLog;
import io.corvus.events.kafka.TopicBootstrap;
import io.corvus.kafka.broker.KraftBroker;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker of its own, stopped and started again on the same port and data, under a live replica. */
class BrokerOutageIT {

    @Test
    void withTheBrokerAwayAWriteIsRefusedWholeAndTheNextWriteAfterItReturnsSucceeds(@TempDir Path data) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        KraftBroker broker = KraftBroker.start(data, port);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            new TopicBootstrap(admin).ensureTopics();
        }
        try (Replica replica = new Replica(broker.bootstrapServers(), "outage")) {
            replica.service.replace("outage", Map.of(), OptionalLong.empty(), "ops");

            broker.close();
            assertThatThrownBy(() -> replica.service.replace("outage", Map.of("tunnel", Map.of("enabled", true)),
                    OptionalLong.of(1), "ops"))
                    .isInstanceOfSatisfying(ConfigLog.LogUnavailable.class, unavailable -> {
                        assertThat(unavailable.getMessage()).startsWith("Kafka cannot take the change now");
                        assertThat(unavailable.retryAfterSeconds()).isPositive();
                    });
            assertThat(replica.store.current("outage")).as("no partial state")
                    .hasValueSatisfying(current -> assertThat(current.revision()).isEqualTo(1));

            broker = KraftBroker.start(data, port);
            var accepted = replica.service.replace("outage", Map.of("tunnel", Map.of("enabled", true)), OptionalLong.of(1), "ops");

            assertThat(accepted.current().revision()).isEqualTo(2);
            assertThat(ConfigTopic.of(broker.bootstrapServers(), "outage")).extracting(e -> e.event().revision())
                    .as("the refused write left nothing on the topic").containsExactly(1L, 2L);
        } finally {
            broker.close();
        }
    }
}
