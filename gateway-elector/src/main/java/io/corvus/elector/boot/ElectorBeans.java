package io.corvus.elector.boot;

import java.time.Clock;

import io.corvus.elector.adapter.kafka.FencedTopologyPublisher;
import io.corvus.elector.app.ElectionLoop;
import io.corvus.elector.app.TopologyListener;
import io.corvus.elector.domain.ElectionSettings;
import io.corvus.events.codec.EventCodec;
import io.corvus.service.Eventing;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The composition root: the plain-Java election loop, its settings, its fenced publisher and its queue's workers. */
public class ElectorBeans {

    @Produces
    @Singleton
    ElectionSettings electionSettings(ElectorSettings settings) {
        return settings.election();
    }

    @Produces
    @Singleton
    FencedTopologyPublisher topologyPublisher(Eventing eventing, EventCodec codec) {
        return new FencedTopologyPublisher(eventing.connection(), codec, eventing.serviceName());
    }

    void closeTopologyPublisher(@Disposes FencedTopologyPublisher publisher) {
        publisher.close();
    }

    @Produces
    @Singleton
    ElectionLoop loop(ElectorSettings settings, FencedTopologyPublisher publisher, Clock clock, TopologyListener listener) {
        ElectionLoop loop = new ElectionLoop(settings.election(), publisher, clock, listener);
        loop.queue().start(settings.workers());
        return loop;
    }

    void stop(@Observes ShutdownEvent shutdown, ElectionLoop loop) {
        loop.queue().close();
    }
}
