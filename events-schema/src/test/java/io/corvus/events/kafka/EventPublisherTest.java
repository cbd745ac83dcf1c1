package io.corvus.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.corvus.events.codec.EventCodec;
import io.corvus.events.ExampleEvents;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EventPublisherTest {

    /** Remembers how long the publisher allowed the producer to drain. */
    private static final class ClosingProducer extends MockProducer<String, byte[]> {
        Duration allowed;

        ClosingProducer() {
            super(false, null, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public void close(Duration timeout) {
            allowed = timeout;
            super.close(timeout);
        }
    }

    @Test
    void closingWaitsABoundedTimeSoAServiceCanStopWhenTheBrokerIsGone() {
        ClosingProducer producer = new ClosingProducer();

        new EventPublisher(producer, EventCodec.create(), "test").close();

        assertThat(producer.closed()).isTrue();
        assertThat(producer.allowed).isEqualTo(EventPublisher.CLOSE_TIMEOUT).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aRecordTheClosedProducerRefusesFailsItsFutureInsteadOfThrowing() {
        ClosingProducer producer = new ClosingProducer();
        EventPublisher publisher = new EventPublisher(producer, EventCodec.create(), "test");
        publisher.close();

        assertThat(publisher.publish(ExampleEvents.nodeObserved()))
                .isCompletedExceptionally();
    }
}
