package io.corvus.provisioner.boot;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.corvus.events.kafka.EventPublisher;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ProvisioningStep;
import io.corvus.provisioner.adapter.kube.RavenCfg;
import io.corvus.provisioner.app.CloudProvider;
import io.corvus.provisioner.app.ProvisioningLoop;
import io.corvus.provisioner.app.ProvisioningOutput;
import io.quarkus.arc.All;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The composition root: the plain-Java provisioning loop with its providers, its outputs and its workers. */
public class ProvisionerBeans {

    @Produces
    @Singleton
    ProvisioningLoop loop(ProvisionerSettings settings, @All List<CloudProvider> providers, EventPublisher publisher,
            RavenCfg ravenCfg, Clock clock) {
        ProvisioningLoop loop = new ProvisioningLoop(providers, output(publisher, ravenCfg), clock);
        loop.queue().start(settings.workers());
        return loop;
    }

    void stop(@Observes ShutdownEvent shutdown, ProvisioningLoop loop) {
        loop.queue().close();
    }

    /** Steps and cloud state on their topics (each once the broker acknowledged it), raven-cfg where it lives. */
    public static ProvisioningOutput output(EventPublisher publisher, RavenCfg ravenCfg) {
        return new ProvisioningOutput() {
            @Override
            public void step(ProvisioningStep step) throws Exception {
                publisher.publish(step).get();
            }

            @Override
            public void cloudState(CloudState state) throws Exception {
                publisher.publish(state).get();
            }

            @Override
            public void ravenConfig(String clusterId, Map<String, String> data) throws Exception {
                ravenCfg.write(clusterId, data);
            }
        };
    }
}
