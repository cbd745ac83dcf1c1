package io.corvus.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.corvus.events.kafka.KafkaConnection;
import io.corvus.pki.ClusterCa;
import io.corvus.pki.SecretFiles;

/**
 * A local broker that takes SASL_SSL alone, as a managed Kafka does: its key store from a CA made
 * for it, one login, and the client settings every service, agent and the launcher's own clients
 * then need. Everything secret is owner-only in {@code run/<stack>/kafka-tls}; the services and
 * agents get the settings in their environment (Kafka's {@code KAFKA_*} names), never on a
 * command line.
 *
 * @param brokerFile     what {@code KraftBrokerMain} reads: key store, its password, the login
 * @param clientSettings {@code security.protocol}, {@code sasl.*}, {@code ssl.*} for the clients
 */
record LocalKafkaSecurity(Path brokerFile, Map<String, String> clientSettings) {

    static final String USER = "corvus";

    /** @param addresses the addresses clients reach the broker at, named in its certificate */
    static LocalKafkaSecurity create(Path folder, List<String> addresses) throws IOException {
        Files.createDirectories(folder);
        ClusterCa ca = ClusterCa.create("kafka", Duration.ofDays(30));
        ca.writeTo(folder);
        String storePassword = secret();
        Path keyStore = ca.issue("kafka", addresses, Duration.ofDays(30)).writeKeyStore(folder.resolve("broker.p12"), storePassword);
        String password = secret();
        Path brokerFile = folder.resolve("broker-sasl-ssl.properties");
        SecretFiles.write(brokerFile, "key-store=" + keyStore + "\nkey-store-password=" + storePassword + "\nuser." + USER + "="
                + password + "\n");
        Map<String, String> client = new LinkedHashMap<>();
        client.put("security.protocol", "SASL_SSL");
        client.put("sasl.mechanism", "PLAIN");
        client.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER
                + "\" password=\"" + password + "\";");
        client.put("ssl.truststore.type", "PEM");
        client.put("ssl.truststore.location", folder.resolve("ca.crt").toString());
        return new LocalKafkaSecurity(brokerFile, Map.copyOf(client));
    }

    KafkaConnection connection(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, clientSettings);
    }

    /** The client settings as a process's environment: {@code sasl.jaas.config} as {@code KAFKA_SASL_JAAS_CONFIG}. */
    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        clientSettings.forEach((key, value) -> environment.put("KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        return environment;
    }

    /** Without the secrets, for a log line. */
    @Override
    public String toString() {
        return "LocalKafkaSecurity[" + brokerFile + ", login " + USER + "]";
    }

    private static String secret() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
