package io.corvus.provisioner.adapter.kafka;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.corvus.events.codec.EventCodec;
import io.corvus.events.kafka.DeadLetters;
import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.kafka.KafkaClients;
import io.corvus.events.kafka.KafkaConnection;
import io.corvus.provisioner.adapter.kube.RavenCfg;
import io.corvus.provisioner.app.CloudProvider;
import io.corvus.provisioner.app.ProvisioningLoop;
import io.corvus.provisioner.boot.ProvisionerBeans;
import io.corvus.service.Eventing;
import org.apache.kafka.clients.producer.KafkaProducer;

/** One cloud-provisioner replica wired by hand as CDI wires it, writing raven-cfg manifests to a folder. */
public final class ProvisionerReplica implements AutoCloseable {

    private final ProvisionerEvents events;
    private final ProvisioningLoop loop;
    private final EventPublisher publisher;
    private final DeadLetters deadLetters;

    public ProvisionerReplica(String bootstrapServers, CloudProvider provider, Path ravenCfgDir) {
        EventCodec codec = EventCodec.create();
        Clock clock = Clock.systemUTC();
        publisher = new EventPublisher(new KafkaProducer<>(KafkaClients.producerConfig(bootstrapServers, "cloud-provisioner")),
                codec, "cloud-provisioner");
        RavenCfg ravenCfg = new RavenCfg(null, Optional::empty, () -> Optional.of(ravenCfgDir.toString()));
        loop = new ProvisioningLoop(List.of(provider), ProvisionerBeans.output(publisher, ravenCfg), clock);
        loop.queue().start(4);
        deadLetters = DeadLetters.connect(publisher, KafkaConnection.plain(bootstrapServers), "cloud-provisioner", clock);
        events = new ProvisionerEvents(loop, new Eventing(Map.of("bootstrap.servers", bootstrapServers), "cloud-provisioner"), codec,
                deadLetters, clock);
        events.consume().start();
    }

    public ProvisioningLoop loop() {
        return loop;
    }

    @Override
    public void close() {
        events.close();
        loop.queue().close();
        deadLetters.close();
        publisher.close();
    }
}
