package io.corvus.agent.proxy.netty.presence;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.corvus.agent.proxy.ProxyState;
import io.corvus.agent.proxy.SourceWhitelist;
import io.corvus.agent.proxy.netty.link.ChannelErrors;
import io.corvus.agent.proxy.netty.link.LostPeers;
import io.corvus.agent.proxy.netty.link.ProxyTls;
import io.corvus.agent.proxy.netty.link.Transport;
import io.corvus.agent.tunnel.TunnelPresencePlan;
import io.corvus.events.Backoff;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import org.jboss.logging.Logger;

/**
 * The tunnel gateways' presence connections ({@link TunnelPresencePlan}): mutual TLS over TCP on
 * the underlay, the hub listening, every other gateway dialling it. Nothing travels on them but a
 * byte each way per keepalive. When one closes without this side closing it, its peer is reported
 * lost ({@link LostPeers}) and a heartbeat goes out at once: a dead agent's kernel closes its
 * connections, so the elector learns of the death in milliseconds instead of a heartbeat window. A
 * connection given up on silence (a frozen node, a cut network) is no such report.
 *
 * <p>Each side sends its first byte only once it has checked the other's certificate, and counts
 * the connection as held only once the other's first byte came: a connection one side refused never
 * counts as held, so its close is never reported as a loss. Both sides also heartbeat at once when a
 * connection comes or goes, so a live peer that closed on purpose speaks before the elector acts.
 *
 * <p>It lives beside the proxy's links because it shares their TLS, event loops and lost-peer report.
 */
public final class TunnelPresence implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TunnelPresence.class);

    private final String self;
    private final Supplier<EventLoopGroup> loops;
    /** Where the hub listens; its port is also the one spokes dial (the same on every node). */
    private final InetSocketAddress bind;
    private final Duration keepalive;
    private final Duration deadAfter;
    private final Duration connectTimeout;
    private final Backoff backoff;
    private final LostPeers lost;
    private final Runnable changed;
    private final Supplier<SourceWhitelist> whitelist;
    /** The peers this node holds a connection with, by node name. */
    private final Map<String, Channel> held = new ConcurrentHashMap<>();
    /** The peers whose connection closed as a loss, until they hold one again. */
    private final Set<String> gone = ConcurrentHashMap.newKeySet();
    private volatile TunnelPresencePlan plan = TunnelPresencePlan.NONE;
    private Channel listener;
    private Dialler dialler;
    private boolean closed;

    /**
     * @param loops      the agent's event loops, made when the presence first listens or dials
     * @param changed    run, on an event loop, whenever a connection comes or goes: it must not block
     * @param whitelist  the cluster's source whitelist, which the hub enforces as the link server does
     */
    public TunnelPresence(String self, Supplier<EventLoopGroup> loops, String bindAddress, int port, Duration keepalive, Duration deadAfter,
            Duration connectTimeout, Backoff backoff, LostPeers lost, Runnable changed, Supplier<SourceWhitelist> whitelist) {
        this.self = self;
        this.loops = loops;
        this.bind = new InetSocketAddress(bindAddress, port);
        this.keepalive = keepalive;
        this.deadAfter = deadAfter;
        this.connectTimeout = connectTimeout;
        this.backoff = backoff;
        this.lost = lost;
        this.changed = changed;
        this.whitelist = whitelist;
    }

    /**
     * Listens, dials or does neither as the plan says; lets go of peers it no longer names.
     *
     * @param serverTls the node's TLS as the hub, built only when it starts listening
     * @param clientTls the node's TLS as a spoke, built only when it starts dialling
     */
    public synchronized void apply(TunnelPresencePlan next, Supplier<SslContext> serverTls, Supplier<SslContext> clientTls)
            throws InterruptedException {
        if (closed) {
            return; // a view that came as the agent stopped
        }
        plan = next;
        if (next.serves() && listener == null) {
            listener = listen(serverTls.get());
        } else if (!next.serves() && listener != null) {
            listener.close().syncUninterruptibly();
            listener = null;
        }
        Optional<TunnelPresencePlan.Hub> hub = next.hub();
        if (dialler != null && !Optional.of(dialler.hub).equals(hub)) {
            dialler.stop();
            dialler = null;
        }
        if (hub.isPresent() && dialler == null) {
            dialler = new Dialler(hub.get(), clientTls.get());
            dialler.dial();
        }
        held.forEach((node, channel) -> {
            if (!wanted(node)) {
                LostPeers.notALoss(channel);
                channel.close();
            }
        });
        gone.removeIf(node -> !wanted(node));
    }

    /** The peers this node holds a presence connection with. */
    public List<String> peers() {
        return held.keySet().stream().sorted().toList();
    }

    /** Whom this node holds a connection with, and whose connection closed as a loss and did not come back. */
    public ProxyState.PresenceStatus status() {
        return new ProxyState.PresenceStatus(held.keySet(), gone);
    }

    /** The port the hub listens on (0 where it does not). */
    public synchronized int port() {
        return listener == null ? 0 : ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public synchronized void close() {
        closed = true;
        plan = TunnelPresencePlan.NONE;
        if (dialler != null) {
            dialler.stop();
            dialler = null;
        }
        if (listener != null) {
            listener.close().syncUninterruptibly();
            listener = null;
        }
        held.values().forEach(channel -> {
            LostPeers.notALoss(channel);
            channel.close();
        });
    }

    private boolean wanted(String node) {
        TunnelPresencePlan now = plan;
        return now.spokes().contains(node) || now.hub().map(h -> h.nodeName().equals(node)).orElse(false);
    }

    private Channel listen(SslContext tls) throws InterruptedException {
        EventLoopGroup group = loops.get();
        Channel channel = new ServerBootstrap().group(group).channel(Transport.serverChannel(group))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SourceWhitelist allowed = whitelist.get();
                        if (!allowed.allows(ch.remoteAddress().getAddress())) {
                            LOG.infof("refused a presence connection from %s: not in the whitelist (%s)",
                                    ch.remoteAddress().getAddress().getHostAddress(), allowed);
                            ch.close();
                            return;
                        }
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()), idleWatch(),
                                new Presence(node -> plan.spokes().contains(node), "a tunnel gateway of another pool", wasHeld -> { }));
                    }
                }).bind(bind).sync().channel();
        LOG.infof("tunnel presence: %s listens on %s for the other pools' gateways", self, channel.localAddress());
        return channel;
    }

    private IdleStateHandler idleWatch() {
        return new IdleStateHandler(deadAfter.toMillis(), keepalive.toMillis(), 0, TimeUnit.MILLISECONDS);
    }

    private void up(String node, Channel channel) {
        if (!wanted(node)) { // the plan changed while the connection was made
            LostPeers.notALoss(channel);
            channel.close();
            return;
        }
        Channel before = held.put(node, channel);
        if (before != null && before != channel) {
            LostPeers.notALoss(before); // the peer dialled again: its old connection is stale, not lost
            before.close();
        }
        lost.linked(node);
        gone.remove(node);
        LOG.infof("tunnel presence: %s holds a connection with %s (%s)", self, node, channel.remoteAddress());
        changed.run();
    }

    private void down(String node, Channel channel) {
        if (held.remove(node, channel)) {
            if (lost.closed(node, channel)) {
                gone.add(node);
            }
            LOG.infof("tunnel presence: the connection with %s closed", node);
            changed.run();
        }
    }

    /** A spoke's connection to the hub: dialled, and dialled again after a loss, until stopped. */
    private final class Dialler {
        private final TunnelPresencePlan.Hub hub;
        private final SslContext tls;
        private int failures;
        private volatile boolean stopped;
        private volatile Channel channel;

        Dialler(TunnelPresencePlan.Hub hub, SslContext tls) {
            this.hub = hub;
            this.tls = tls;
        }

        void dial() {
            if (stopped) {
                return;
            }
            EventLoopGroup group = loops.get();
            new Bootstrap().group(group).channel(Transport.socketChannel(group))
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            channel = ch;
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), hub.host(), bind.getPort()), idleWatch(),
                                    new Presence(hub.nodeName()::equals, "the hub " + hub.nodeName(), Dialler.this::again));
                        }
                    }).connect(hub.host(), bind.getPort()).addListener(done -> {
                        if (!done.isSuccess()) {
                            LOG.debugf("tunnel presence: cannot reach the hub %s at %s:%d: %s", hub.nodeName(), hub.host(), bind.getPort(),
                                    done.cause().getMessage());
                            again(false);
                        }
                    });
        }

        /** After a failed dial or a closed connection: soon after one that was held, longer after each failure. */
        private void again(boolean wasHeld) {
            if (!stopped) {
                failures = wasHeld ? 1 : failures + 1;
                loops.get().next().schedule(this::dial, backoff.delay(failures, ThreadLocalRandom.current()).toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        void stop() {
            stopped = true;
            Channel current = channel;
            if (current != null) {
                LostPeers.notALoss(current);
                current.close();
            }
        }
    }

    /**
     * One presence connection on either side, behind TLS: admits the peer by its certificate, says
     * so with one byte, counts the connection as held once the peer's byte came, keeps it alive, and
     * reports its end.
     */
    private final class Presence extends ChannelInboundHandlerAdapter {
        private final Predicate<String> admissible;
        private final String expected;
        private final Consumer<Boolean> afterClose;
        private String admitted;
        private boolean holding;

        /** @param afterClose told, once the connection closed, whether it was held */
        Presence(Predicate<String> admissible, String expected, Consumer<Boolean> afterClose) {
            this.admissible = admissible;
            this.expected = expected;
            this.afterClose = afterClose;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent handshake) {
                admit(ctx, handshake);
            } else if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
                LostPeers.notALoss(ctx.channel()); // silence: the heartbeat window decides
                LOG.infof("tunnel presence: nothing from %s for %d ms, closing", ctx.channel().remoteAddress(), deadAfter.toMillis());
                ctx.close();
            } else if (event instanceof IdleStateEvent idle && idle.state() == IdleState.WRITER_IDLE && admitted != null) {
                sayAlive(ctx);
            }
            super.userEventTriggered(ctx, event);
        }

        private void admit(ChannelHandlerContext ctx, SslHandshakeCompletionEvent handshake) {
            if (!handshake.isSuccess()) {
                LOG.infof("tunnel presence: TLS handshake with %s failed: %s", ctx.channel().remoteAddress(), handshake.cause().getMessage());
                ctx.close();
                return;
            }
            Optional<String> peer = ProxyTls.peerNode(ctx.pipeline().get(SslHandler.class).engine().getSession());
            if (peer.isEmpty() || !admissible.test(peer.get())) {
                LOG.infof("tunnel presence: %s's certificate names %s, not %s; closing", ctx.channel().remoteAddress(),
                        peer.orElse("no node"), expected);
                ctx.close();
                return;
            }
            admitted = peer.get();
            sayAlive(ctx);
        }

        private void sayAlive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[1]));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            if (admitted != null && !holding) {
                holding = true; // the peer admitted us too: only then is the connection held
                up(admitted, ctx.channel());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (holding) {
                down(admitted, ctx.channel());
            }
            afterClose.accept(holding);
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ChannelErrors.log(LOG, "tunnel presence " + ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }
}
