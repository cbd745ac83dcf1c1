package io.corvus.agent.proxy.netty.link;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What the proxy data plane counts, for the heartbeat and for Prometheus: open streams, bytes each
 * way, connected links, dial errors by reason, link connect latency, reconnects, streams shed
 * to keep a link within its receive budget, what the relays hold to send and how often they
 * stopped reading for it. Tells its listener each time a link comes up or goes down.
 */
public final class ProxyStats {

    private final MeterRegistry registry;
    private final AtomicInteger openStreams = new AtomicInteger();
    private final AtomicInteger links = new AtomicInteger();
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter reconnects;
    private final Counter shedStreams;
    private final Counter stalledStreams;
    private final Counter readsPaused;
    private final Timer connectLatency;
    private final LongAdder heldForSockets = new LongAdder();
    private volatile Runnable linkListener = () -> { };

    public ProxyStats(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("corvus.proxy.open.streams", openStreams);
        registry.gauge("corvus.proxy.links", links);
        bytesIn = Counter.builder("corvus.proxy.bytes").tag("direction", "in").description("bytes received from peers and targets")
                .baseUnit("bytes").register(registry);
        bytesOut = Counter.builder("corvus.proxy.bytes").tag("direction", "out").description("bytes sent to peers and targets")
                .baseUnit("bytes").register(registry);
        reconnects = Counter.builder("corvus.proxy.reconnects").description("link connections dialled again after a loss")
                .register(registry);
        shedStreams = Counter.builder("corvus.proxy.streams.shed")
                .description("streams reset because the data they held nearly filled the link's or the agent's receive budget").register(registry);
        stalledStreams = Counter.builder("corvus.proxy.streams.stalled")
                .description("streams reset because their socket took no byte for the stall timeout while bytes waited for it")
                .register(registry);
        readsPaused = Counter.builder("corvus.proxy.reads.paused")
                .description("times a relay stopped reading its socket because the agent held its send mark").register(registry);
        Gauge.builder("corvus.proxy.held.for.sockets", heldForSockets::sum).baseUnit("bytes")
                .description("bytes relays handed to their sockets that the sockets' kernels have not taken yet").register(registry);
        connectLatency = Timer.builder("corvus.proxy.connect").description("time to an established link (TCP, TLS, HTTP/2)")
                .register(registry);
    }

    public void streamOpened() {
        openStreams.incrementAndGet();
    }

    public void streamClosed() {
        openStreams.decrementAndGet();
    }

    public int openStreams() {
        return openStreams.get();
    }

    public void linkUp() {
        links.incrementAndGet();
        linkListener.run();
    }

    public void linkDown() {
        links.decrementAndGet();
        linkListener.run();
    }

    /** Runs {@code listener}, on the link's event loop, whenever a link comes up or goes down: it must not block. */
    public void onLinkChange(Runnable listener) {
        linkListener = listener;
    }

    public void received(long bytes) {
        bytesIn.increment(bytes);
    }

    public void sent(long bytes) {
        bytesOut.increment(bytes);
    }

    public long bytesIn() {
        return (long) bytesIn.count();
    }

    public long bytesOut() {
        return (long) bytesOut.count();
    }

    /** A stream or connection that could not be set up, by reason (acl, certificate, policy, refused, timeout, ...). */
    public void dialError(String reason) {
        registry.counter("corvus.proxy.dial.errors", "reason", reason).increment();
    }

    public double dialErrors(String reason) {
        Counter counter = registry.find("corvus.proxy.dial.errors").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    public void streamShed() {
        shedStreams.increment();
    }

    public long shedStreams() {
        return (long) shedStreams.count();
    }

    public void streamStalled() {
        stalledStreams.increment();
    }

    public long stalledStreams() {
        return (long) stalledStreams.count();
    }

    /**
     * Publishes what the agent's links hold received: bytes whose window was not given back yet,
     * because no socket's kernel has taken them (those a relay read included).
     */
    public void watchHeldReceived(Supplier<Number> held) {
        Gauge.builder("corvus.proxy.held.received", held).baseUnit("bytes")
                .description("bytes received on links that no relayed socket has taken yet").register(registry);
    }

    /** Bytes a relay handed to its socket; they count until {@link #leftSocketQueue}. */
    public void queuedToSocket(int bytes) {
        heldForSockets.add(bytes);
    }

    /** Queued bytes the socket's kernel took, or that went with the socket. */
    public void leftSocketQueue(int bytes) {
        heldForSockets.add(-bytes);
    }

    public long heldForSockets() {
        return heldForSockets.sum();
    }

    /** What the agent's links hold received now, as last reported. */
    public double heldReceived() {
        return gauge("corvus.proxy.held.received");
    }

    /** Publishes what the relays read from their sockets and have not yet handed to a link, and how many wait for room. */
    public void watchHeldToSend(Supplier<Number> held, Supplier<Number> waitingRelays) {
        Gauge.builder("corvus.proxy.held.to.send", held).baseUnit("bytes")
                .description("bytes read from relayed sockets that no link has taken yet").register(registry);
        Gauge.builder("corvus.proxy.reads.waiting", waitingRelays)
                .description("relays that stopped reading their sockets until the agent holds less to send").register(registry);
    }

    public double heldToSend() {
        return gauge("corvus.proxy.held.to.send");
    }

    public double readsWaiting() {
        return gauge("corvus.proxy.reads.waiting");
    }

    /** A gauge's value now; 0 before the part that publishes it exists. */
    private double gauge(String name) {
        Gauge gauge = registry.find(name).gauge();
        return gauge == null ? 0 : gauge.value();
    }

    public void readPaused() {
        readsPaused.increment();
    }

    public long readsPaused() {
        return (long) readsPaused.count();
    }

    public void reconnected() {
        reconnects.increment();
    }

    public void connected(Duration took) {
        connectLatency.record(took);
    }

    /** How many links this agent established so far. */
    public long connectLatencyCount() {
        return connectLatency.count();
    }
}
