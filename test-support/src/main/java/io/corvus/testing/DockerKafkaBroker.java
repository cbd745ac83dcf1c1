package io.corvus.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Kafka image through Testcontainers: {@code apache/kafka:4.1.2}, the in-JVM broker's
 * version, or the build of it that {@code -Dcorvus.test.kafka-image} names (a local stand-in
 * where no registry answers, made by deploy/images/local/build.sh).
 */
final class DockerKafkaBroker {

    static final String IMAGE_PROPERTY = "corvus.test.kafka-image";
    private static final String OFFICIAL_IMAGE = "apache/kafka:4.1.2";

    private DockerKafkaBroker() {
    }

    static String start() {
        String image = System.getProperty(IMAGE_PROPERTY, OFFICIAL_IMAGE);
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("profile docker-kafka: no Docker engine answers, so " + image + " cannot run; start one "
                    + "(as root: tools/docker-engine.sh) or run without -Pdocker-kafka to use the in-JVM KRaft broker");
        }
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("apache/kafka"))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                // a network of its own: an engine may have no default bridge (dockerd --bridge=none)
                .withNetwork(Network.newNetwork());
        container.start();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(container::stop));
        return container.getBootstrapServers();
    }
}
