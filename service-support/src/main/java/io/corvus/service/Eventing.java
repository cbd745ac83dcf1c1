package io.corvus.service;

import java.time.Clock;
import java.util.Map;
import java.util.Set;

import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The Kafka-facing objects of a service, built once from its {@code kafka.*} settings: the
 * bootstrap servers and, for a managed Kafka, TLS and SASL ({@link KafkaConnection}). Other
 * {@code kafka.*} settings are not given to the clients, and the log says which were left out.
 */
@Singleton
public class Eventing {

    private static final Logger LOG = Logger.getLogger(Eventing.class);

    private final KafkaConnection connection;
    private final String serviceName;
    private KafkaClientMetrics publisherMetrics;

    public Eventing(@Identifier("default-kafka-broker") Map<String, Object> kafkaSettings,
            @ConfigProperty(name = "quarkus.application.name") String serviceName) {
        this.connection = KafkaConnection.of(kafkaSettings);
        this.serviceName = serviceName;
        Set<String> left = KafkaConnection.notTakenFrom(kafkaSettings);
        if (!left.isEmpty()) {
            LOG.warnf("not given to the Kafka clients (only kafka.bootstrap.servers, kafka.security.protocol, kafka.ssl.* and "
                    + "kafka.sasl.* are): %s", left.stream().map(key -> "kafka." + key).toList());
        }
    }

    public KafkaConnection connection() {
        return connection;
    }

    /** The service's name: CloudEvents source, consumer group and client id prefix. */
    public String serviceName() {
        return serviceName;
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    EventCodec codec() {
        return EventCodec.create();
    }

    @Produces
    @Singleton
    EventPublisher publisher(EventCodec codec, MeterRegistry registry) {
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producerConfig(connection, serviceName));
        publisherMetrics = new KafkaClientMetrics(producer); // kafka_producer_* on /q/metrics
        publisherMetrics.bindTo(registry);
        return new EventPublisher(producer, codec, serviceName);
    }

    void closePublisher(@Disposes EventPublisher publisher) {
        publisherMetrics.close();
        publisher.close();
    }

    @Produces
    @Singleton
    DeadLetters deadLetters(EventPublisher publisher, Clock clock) {
        return DeadLetters.connect(publisher, connection, serviceName, clock);
    }

    void closeDeadLetters(@Disposes DeadLetters deadLetters) {
        deadLetters.close();
    }

    @Produces
    @Singleton
    Admin admin() {
        return Admin.create(KafkaClients.adminConfig(connection, serviceName + "-admin"));
    }

    void closeAdmin(@Disposes Admin admin) {
        admin.close();
    }
}
