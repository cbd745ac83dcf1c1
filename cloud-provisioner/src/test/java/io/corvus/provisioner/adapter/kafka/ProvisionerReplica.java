package io.corvus.provisioner.adapter.kafka;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.corvus.events.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.provisioner.adapter.kube.RavenCfg;
import io.corvus.provisioner.app.CloudProvider;
import io.corvus.provisioner.boot.ProvisionerSettings;
import io.corvus.service.Eventing;
import org.apache.kafka.clients.producer.KafkaProducer;

/** One cloud-provisioner replica wired by hand as CDI wires it, writing raven-cfg manifests to a folder. */
public final class ProvisionerReplica implements AutoCloseable {

    private final ProvisionerEvents events;
    private final EventPublisher publisher;

    public ProvisionerReplica(String bootstrapServers, CloudProvider provider, Path ravenCfgDir, Duration tick) {
        EventCodec codec = EventCodec.create();
        Clock clock = Clock.systemUTC();
        ProvisionerSettings settings = settings(ravenCfgDir, tick);
        publisher = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrapServers, "cloud-provisioner")),
                codec, "cloud-provisioner");
        events = new ProvisionerEvents(settings, new Eventing(bootstrapServers, "cloud-provisioner"), codec,
                new DeadLetters(publisher, "cloud-provisioner", clock), clock, publisher, new RavenCfg(null, settings), List.of(provider));
        events.consume().start();
        events.startTicking();
    }

    private static ProvisionerSettings settings(Path ravenCfgDir, Duration tick) {
        return new ProvisionerSettings() {
            public Duration tick() {
                return tick;
            }

            public Optional<String> ravenCfgDir() {
                return Optional.of(ravenCfgDir.toString());
            }

            public Kubernetes kubernetes() {
                return Optional::empty;
            }

            public Aliyun aliyun() {
                throw new UnsupportedOperationException("the provider is handed over ready-made");
            }
        };
    }

    @Override
    public void close() {
        events.close();
        publisher.close();
    }
}
