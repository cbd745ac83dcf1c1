package io.corvus.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** The official Apache Kafka image, same version as the in-JVM broker, through Testcontainers. */
final class DockerKafkaBroker {

    static final String IMAGE = "apache/kafka:4.1.2";

    private DockerKafkaBroker() {
    }

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    static String start() {
        KafkaContainer container = new KafkaContainer(IMAGE)
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        container.start();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(container::stop));
        return container.getBootstrapServers();
    }
}
