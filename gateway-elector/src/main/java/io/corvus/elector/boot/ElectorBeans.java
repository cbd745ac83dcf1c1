package io.corvus.elector.boot;

import java.time.Clock;

import io.corvus.elector.app.ElectionLoop;
import io.corvus.elector.app.TopologyListener;
import io.corvus.elector.domain.ElectionSettings;
import io.corvus.events.kafka.EventPublisher;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The composition root: the plain-Java election loop, its settings and its queue's workers. */
public class ElectorBeans {

    @Produces
    @Singleton
    ElectionSettings electionSettings(ElectorSettings settings) {
        return settings.election();
    }

    @Produces
    @Singleton
    ElectionLoop loop(ElectorSettings settings, EventPublisher publisher, Clock clock, TopologyListener listener) {
        ElectionLoop loop = new ElectionLoop(settings.election(), topology -> publisher.publish(topology).get(), clock, listener);
        loop.queue().start(settings.workers());
        return loop;
    }

    void stop(@Observes ShutdownEvent shutdown, ElectionLoop loop) {
        loop.queue().close();
    }
}
