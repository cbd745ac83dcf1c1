package io.corvus.service;

import java.time.Clock;
import java.util.Map;

import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The Kafka-facing objects of a service, built once from {@code kafka.bootstrap.servers}. */
@Singleton
public class Eventing {

    private final String bootstrapServers;
    private final String serviceName;

    public Eventing(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            @ConfigProperty(name = "quarkus.application.name") String serviceName) {
        this.bootstrapServers = bootstrapServers;
        this.serviceName = serviceName;
    }

    public String bootstrapServers() {
        return bootstrapServers;
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
    EventPublisher publisher(EventCodec codec) {
        return new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrapServers, serviceName)),
                codec, serviceName);
    }

    void closePublisher(@Disposes EventPublisher publisher) {
        publisher.close();
    }

    @Produces
    @Singleton
    DeadLetters deadLetters(EventPublisher publisher, Clock clock) {
        return new DeadLetters(publisher, serviceName, clock);
    }

    @Produces
    @Singleton
    Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, serviceName + "-admin"));
    }

    void closeAdmin(@Disposes Admin admin) {
        admin.close();
    }
}
