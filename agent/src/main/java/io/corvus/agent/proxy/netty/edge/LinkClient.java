package io.corvus.agent.proxy.netty.edge;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.corvus.agent.proxy.DialMode;
import io.corvus.agent.proxy.DialPolicy;
import io.corvus.agent.proxy.netty.link.Admission;
import io.corvus.agent.proxy.netty.link.HeldAcrossLinks;
import io.corvus.agent.proxy.netty.link.HeldToSend;
import io.corvus.agent.proxy.netty.link.LostPeers;
import io.corvus.agent.proxy.netty.link.ProxyLink;
import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.corvus.agent.proxy.netty.link.Transport;
import io.corvus.agent.topology.ClusterView;
import io.corvus.events.Backoff;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import org.jboss.logging.Logger;

/**
 * The edge gateway's side of the link: it dials out to the cloud gateway and keeps the
 * connection. With several cloud proxy endpoints (active/active) it holds one connection to each:
 * dialled directly ({@link DialMode#ENDPOINTS}, where the cloud nodes are reachable, as in the
 * local run) or through the cloud side's public entry ({@link DialMode#EXPOSURE}, the EIP/CLB),
 * dialling again until every endpoint answered, told apart by their certificates. A lost
 * connection is dialled again after a capped exponential backoff with jitter.
 */
public final class LinkClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LinkClient.class);

    /** Where one connection goes and whom it must reach (null: any cloud endpoint not yet reached). */
    private record Target(String address, int port, String expectedNode) {
    }

    private final String self;
    private final EventLoopGroup group;
    private final SslContext tls;
    private final Supplier<DialPolicy> policy;
    private final ProxyStats stats;
    private final HeldAcrossLinks held;
    private final HeldToSend sends;
    private final Backoff backoff;
    private final DialMode mode;
    private final Duration keepalive;
    private final Duration deadAfter;
    private final Duration connectTimeout;
    private final Consumer<String> observedAddress;
    private final LostPeers lost;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final Map<String, Channel> connected = new ConcurrentHashMap<>();
    private volatile Set<String> cloudNodes = Set.of();
    private volatile boolean closed;

    public LinkClient(String self, EventLoopGroup group, SslContext tls, Supplier<DialPolicy> policy, ProxyStats stats,
            HeldAcrossLinks held, HeldToSend sends, Backoff backoff, DialMode mode, Duration keepalive, Duration deadAfter, Duration connectTimeout,
            Consumer<String> observedAddress, LostPeers lost) {
        this.self = self;
        this.group = group;
        this.tls = tls;
        this.policy = policy;
        this.stats = stats;
        this.held = held;
        this.sends = sends;
        this.backoff = backoff;
        this.mode = mode;
        this.keepalive = keepalive;
        this.deadAfter = deadAfter;
        this.connectTimeout = connectTimeout;
        this.observedAddress = observedAddress;
        this.lost = lost;
    }

    /** Dials what the topology names and lets go of what it no longer does. */
    public synchronized void update(ClusterView view) {
        List<ClusterView.CloudEndpoint> endpoints = view.cloudProxyEndpoints();
        cloudNodes = Set.copyOf(endpoints.stream().map(ClusterView.CloudEndpoint::nodeName).toList());
        Map<String, Target> wanted = new LinkedHashMap<>();
        if (mode == DialMode.ENDPOINTS) {
            endpoints.forEach(e -> wanted.put(e.nodeName(), new Target(e.address(), e.port(), e.nodeName())));
        } else {
            view.cloudExposure().ifPresent(exposure -> {
                for (int i = 0; i < Math.max(1, endpoints.size()); i++) {
                    wanted.put("exposure-" + i, new Target(exposure.address(), exposure.port(), null));
                }
            });
        }
        for (var it = slots.entrySet().iterator(); it.hasNext(); ) {
            var slot = it.next();
            if (!slot.getValue().target.equals(wanted.get(slot.getKey()))) {
                slot.getValue().stop();
                it.remove();
            }
        }
        wanted.forEach((key, target) -> slots.computeIfAbsent(key, k -> new Slot(k, target).start()));
        connected.forEach((node, channel) -> {
            if (!cloudNodes.contains(node)) {
                channel.close(); // no longer an active cloud endpoint
            }
        });
    }

    /** The cloud endpoints this gateway holds a link to. */
    public List<String> peers() {
        return connected.keySet().stream().sorted().toList();
    }

    public boolean connectedToAll() {
        return !cloudNodes.isEmpty() && connected.keySet().containsAll(cloudNodes);
    }

    @Override
    public synchronized void close() {
        closed = true;
        slots.values().forEach(Slot::stop);
        slots.clear();
    }

    /** One connection the client keeps up: dials, and dials again after a loss. */
    private final class Slot {
        private final String key;
        private final Target target;
        private int failures;
        private volatile boolean stopped;
        private volatile Channel channel;

        Slot(String key, Target target) {
            this.key = key;
            this.target = target;
        }

        Slot start() {
            dial();
            return this;
        }

        void stop() {
            stopped = true;
            Channel current = channel;
            if (current != null) {
                current.close();
            }
        }

        private void dial() {
            if (stopped || closed) {
                return;
            }
            long started = System.nanoTime();
            new Bootstrap().group(group).channel(Transport.socketChannel(group)).option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, ProxyLink.WATER_MARK)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), target.address(), target.port()),
                                    ProxyLink.deadPeerDetector(deadAfter), new Connection(Slot.this, started));
                        }
                    }).connect(new InetSocketAddress(target.address(), target.port())).addListener(done -> {
                        if (!done.isSuccess()) {
                            stats.dialError("cloud-unreachable");
                            LOG.debugf("link %s: cannot reach %s:%d: %s", key, target.address(), target.port(), done.cause().getMessage());
                            retry();
                        }
                    });
        }

        void up(Channel ch, String node, long started) {
            channel = ch;
            failures = 0;
            connected.put(node, ch);
            lost.linked(node);
            stats.linkUp();
            stats.connected(Duration.ofNanos(System.nanoTime() - started));
            LOG.infof("link to cloud gateway %s (%s:%d) is up", node, target.address(), target.port());
        }

        void down(String node, Channel ch) {
            if (node != null && connected.remove(node, ch)) {
                lost.closed(node, ch);
                stats.linkDown();
                LOG.infof("link to cloud gateway %s is down", node);
            }
            if (channel == ch) {
                channel = null;
            }
            if (!stopped && !closed) {
                stats.reconnected();
                retry();
            }
        }

        private void retry() {
            failures++;
            Duration wait = backoff.delay(failures, ThreadLocalRandom.current());
            group.next().schedule(this::dial, wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Checks whom the connection reached, then keeps the slot informed. */
    private final class Connection extends Admission {
        private final Slot slot;
        private final long started;
        private String node;

        Connection(Slot slot, long started) {
            this.slot = slot;
            this.started = started;
        }

        @Override
        protected void handshakeFailed(ChannelHandlerContext ctx, Throwable cause) {
            stats.dialError("tls");
            LOG.infof("link to %s: TLS handshake failed: %s", ctx.channel().remoteAddress(), cause.toString());
        }

        @Override
        protected void admit(ChannelHandlerContext ctx, Optional<String> peer) {
            String expected = slot.target.expectedNode();
            boolean wrongNode = peer.isEmpty() || !cloudNodes.contains(peer.get()) || (expected != null && !expected.equals(peer.get()));
            if (wrongNode) {
                stats.dialError("identity");
                LOG.infof("link to %s: the server's certificate names %s, not %s; closing", ctx.channel().remoteAddress(),
                        peer.orElse("no node"), expected != null ? expected : "an active cloud proxy endpoint");
                ctx.close();
                return;
            }
            if (connected.containsKey(peer.get())) {
                LOG.debugf("link %s reached %s, which another connection already holds; dialling again", slot.key, peer.get());
                ctx.close(); // through a load balancer: keep dialling until every endpoint is reached
                return;
            }
            node = peer.get();
            speakHttp2(ctx, false, keepalive, new EdgeStreams(policy, stats, sends, connectTimeout, observedAddress), held);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event == ProxyLink.Established.EVENT) {
                slot.up(ctx.channel(), node, started); // the cloud speaks HTTP/2 with us: it admitted us
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            slot.down(node, ctx.channel());
            super.channelInactive(ctx);
        }
    }

    /** For tests and logs: the slots and whom they reach. */
    @Override
    public String toString() {
        Map<String, String> view = new HashMap<>();
        slots.forEach((key, slot) -> view.put(key, slot.target.address() + ":" + slot.target.port()));
        return "LinkClient[" + self + ", " + mode + ", " + view + ", connected " + peers() + "]";
    }
}
