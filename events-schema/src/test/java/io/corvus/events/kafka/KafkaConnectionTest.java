package io.corvus.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class KafkaConnectionTest {

    private static final String LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"corvus\" "
            + "password=\"s3cret\";";

    @Test
    void theBootstrapServersAndTheTlsAndSaslSettingsReachEveryClient() {
        KafkaConnection connection = KafkaConnection.of(Map.of("bootstrap.servers", "kafka:9093", "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN", "sasl.jaas.config", LOGIN, "ssl.truststore.location", "/etc/kafka/ca.p12"));

        assertThat(KafkaClients.producerConfig(connection, "p")).containsEntry("bootstrap.servers", "kafka:9093")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.jaas.config", LOGIN)
                .containsEntry("ssl.truststore.location", "/etc/kafka/ca.p12").containsEntry("acks", "all");
        assertThat(KafkaClients.consumerConfig(connection, "c", null)).containsEntry("sasl.mechanism", "PLAIN");
        assertThat(KafkaClients.adminConfig(connection, "a")).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void settingsThatWouldChangeHowCorvusClientsBehaveAreLeftOutAndNamed() {
        Map<String, Object> settings = Map.of("bootstrap.servers", "kafka:9092", "acks", "1", "home", "/opt/kafka", "group.id", "agent");

        assertThat(KafkaConnection.of(settings).clientConfig()).containsOnlyKeys("bootstrap.servers");
        assertThat(KafkaConnection.notTakenFrom(settings)).containsExactly("acks", "home");
    }

    @Test
    void passwordsAndTheSaslLoginNeverReachALogLine() {
        KafkaConnection connection = KafkaConnection.of(Map.of("bootstrap.servers", "kafka:9093", "security.protocol", "SASL_SSL",
                "sasl.jaas.config", LOGIN, "ssl.truststore.password", "changeit"));

        assertThat(connection.toString()).contains("kafka:9093", "SASL_SSL").doesNotContain("s3cret", "changeit");
    }

    @Test
    void aMissingOrImpossibleSettingIsRefusedWithWhatToDo() {
        assertThatThrownBy(() -> KafkaConnection.of(Map.of())).hasMessageContaining("kafka.bootstrap.servers is empty");
        assertThatThrownBy(() -> KafkaConnection.of(Map.of("bootstrap.servers", "k:9092", "security.protocol", "TLS")))
                .hasMessageContaining("use one of [PLAINTEXT, SASL_PLAINTEXT, SASL_SSL, SSL]");
        assertThatThrownBy(() -> KafkaConnection.of(Map.of("bootstrap.servers", "k:9092", "security.protocol", "SASL_SSL")))
                .hasMessageContaining("kafka.sasl.jaas.config is not set");
        assertThatThrownBy(() -> new KafkaConnection("k:9092", Map.of("acks", "0"))).hasMessageContaining("is not a TLS or SASL setting");
    }
}
