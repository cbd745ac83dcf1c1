package io.corvus.agent.tunnel.linux;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import io.corvus.agent.tunnel.TunnelStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * Tunnel mode on {@code /q/metrics}: whether the node's tunnel is ready, its MTU, and per WireGuard
 * peer its handshake's age, bytes and packets each way and its last probe. Refreshed from every new
 * status; a peer that went away leaves the rows.
 */
final class TunnelMetrics {

    private final Clock clock;
    private final AtomicReference<TunnelStatus> current = new AtomicReference<>(TunnelStatus.OFF);
    private final MultiGauge handshakeAge;
    private final MultiGauge bytes;
    private final MultiGauge packets;
    private final MultiGauge probeOk;
    private final MultiGauge probeRtt;

    TunnelMetrics(MeterRegistry registry, Clock clock) {
        this.clock = clock;
        Gauge.builder("corvus.tunnel.ready", current, s -> s.get().ready() ? 1 : 0)
                .description("1 when the tunnel does what the topology asks and every peer answers its probe").register(registry);
        Gauge.builder("corvus.tunnel.mtu", current, s -> s.get().mtu() == null ? 0 : s.get().mtu())
                .description("the MTU of the tunnel's links (0 without a tunnel role)").baseUnit("bytes").register(registry);
        handshakeAge = MultiGauge.builder("corvus.tunnel.peer.handshake.age").baseUnit("seconds")
                .description("time since the last WireGuard handshake with the peer").register(registry);
        bytes = MultiGauge.builder("corvus.tunnel.peer.bytes").baseUnit("bytes")
                .description("bytes WireGuard sent to and received from the peer").register(registry);
        packets = MultiGauge.builder("corvus.tunnel.peer.packets").description("pod packets sent to and received from the peer")
                .register(registry);
        probeOk = MultiGauge.builder("corvus.tunnel.peer.probe.ok").description("1 when the peer answered the last probe through the tunnel")
                .register(registry);
        probeRtt = MultiGauge.builder("corvus.tunnel.peer.probe.rtt").baseUnit("seconds")
                .description("how long the peer took to answer the last probe").register(registry);
    }

    void update(TunnelStatus status) {
        current.set(status);
        List<TunnelStatus.Peer> peers = status.peers();
        handshakeAge.register(peers.stream().filter(p -> p.latestHandshake() != null).map(p -> MultiGauge.Row.of(Tags.of("peer",
                p.nodeName()), Duration.between(p.latestHandshake(), clock.instant()).toMillis() / 1000.0)).toList(), true);
        bytes.register(eachWay(peers, TunnelStatus.Peer::rxBytes, TunnelStatus.Peer::txBytes), true);
        packets.register(eachWay(peers, TunnelStatus.Peer::rxPackets, TunnelStatus.Peer::txPackets), true);
        probeOk.register(peers.stream().filter(p -> p.probeOk() != null).map(p -> MultiGauge.Row.of(Tags.of("peer", p.nodeName()),
                p.probeOk() ? 1 : 0)).toList(), true);
        probeRtt.register(peers.stream().filter(p -> p.probeRttMillis() != null).map(p -> MultiGauge.Row.of(Tags.of("peer",
                p.nodeName()), p.probeRttMillis() / 1000.0)).toList(), true);
    }

    private static List<MultiGauge.Row<?>> eachWay(List<TunnelStatus.Peer> peers, ToLongFunction<TunnelStatus.Peer> in,
            ToLongFunction<TunnelStatus.Peer> out) {
        return peers.stream().<MultiGauge.Row<?>>flatMap(p -> Stream.of(
                MultiGauge.Row.of(Tags.of("peer", p.nodeName(), "direction", "in"), in.applyAsLong(p)),
                MultiGauge.Row.of(Tags.of("peer", p.nodeName(), "direction", "out"), out.applyAsLong(p)))).toList();
    }
}
