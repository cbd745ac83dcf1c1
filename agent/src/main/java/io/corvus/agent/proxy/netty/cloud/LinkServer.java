package io.corvus.agent.proxy.netty.cloud;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import io.corvus.agent.proxy.CloudPolicy;
import io.corvus.agent.proxy.netty.cloud.EdgeSessions.EdgeSession;
import io.corvus.agent.proxy.netty.link.Admission;
import io.corvus.agent.proxy.netty.link.HeldAcrossLinks;
import io.corvus.agent.proxy.netty.link.ProxyLink;
import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.corvus.agent.proxy.netty.link.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import org.jboss.logging.Logger;

/**
 * The cloud gateway's link server (10280): edge gateways dial in over mutual TLS and keep the
 * connection; front doors open one stream per client connection on it. A source outside the
 * whitelist is dropped before the TLS handshake; a certificate that does not name an active edge
 * proxy endpoint of the cluster is dropped after it.
 */
public final class LinkServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LinkServer.class);

    static final String SERVER_NODE = "corvus-server-node";

    private final String self;
    private final EventLoopGroup group;
    private final SslContext tls;
    private final Supplier<CloudPolicy> policy;
    private final EdgeSessions sessions;
    private final ProxyStats stats;
    private final HeldAcrossLinks held;
    private final Duration keepalive;
    private final Duration deadAfter;
    private Channel listener;

    public LinkServer(String self, EventLoopGroup group, SslContext tls, Supplier<CloudPolicy> policy, EdgeSessions sessions,
            ProxyStats stats, HeldAcrossLinks held, Duration keepalive, Duration deadAfter) {
        this.self = self;
        this.group = group;
        this.tls = tls;
        this.policy = policy;
        this.sessions = sessions;
        this.stats = stats;
        this.held = held;
        this.keepalive = keepalive;
        this.deadAfter = deadAfter;
    }

    public LinkServer start(InetSocketAddress bind) throws InterruptedException {
        listener = new ServerBootstrap().group(group).channel(Transport.serverChannel(group))
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, ProxyLink.WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accept(ch);
                    }
                }).bind(bind).sync().channel();
        LOG.infof("link server listening on %s", listener.localAddress());
        return this;
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    private void accept(SocketChannel ch) {
        CloudPolicy now = policy.get();
        if (!now.whitelist().allows(ch.remoteAddress().getAddress())) {
            stats.dialError("acl");
            LOG.infof("refused a link from %s: not in the whitelist (%s)", ch.remoteAddress().getAddress().getHostAddress(),
                    now.whitelist());
            ch.close();
            return;
        }
        ch.pipeline().addLast(tls.newHandler(ch.alloc()), ProxyLink.deadPeerDetector(deadAfter), new Session(ch));
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        sessions.closeAll();
    }

    /** One edge gateway's connection: admitted by its certificate, then registered for the front doors. */
    private final class Session extends Admission {
        private final SocketChannel ch;
        private EdgeSession session;

        Session(SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        protected void handshakeFailed(ChannelHandlerContext ctx, Throwable cause) {
            stats.dialError("tls");
            LOG.infof("refused a link from %s: TLS handshake failed: %s", ch.remoteAddress(), cause.getMessage());
        }

        @Override
        protected void admit(ChannelHandlerContext ctx, Optional<String> node) {
            if (node.isEmpty() || !policy.get().edgeClients().contains(node.get())) {
                stats.dialError("identity");
                LOG.infof("refused a link from %s: its certificate names %s, which is not an active edge proxy endpoint",
                        ch.remoteAddress(), node.orElse("no node"));
                ctx.close();
                return;
            }
            // HTTP/2 only once the peer is known: a server that writes before the handshake confuses the TLS engine
            speakHttp2(ctx, true, keepalive, new RefuseStreams(), held);
            session = new EdgeSession(node.get(), ch, ch.remoteAddress());
            sessions.add(session);
            stats.linkUp();
            LOG.infof("link from edge gateway %s (%s) is up", node.get(), ch.remoteAddress());
            sayHello(session);
        }

        private void sayHello(EdgeSession edge) {
            edge.openStream(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext stream, Object msg) {
                    ReferenceCountUtil.release(msg);
                    stream.close();
                }
            }).addListener(opened -> {
                if (opened.isSuccess()) {
                    Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
                    stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").scheme("https")
                            .authority("corvus").path(ProxyLink.HELLO_PATH).set(SERVER_NODE, self)
                            .set(ProxyLink.OBSERVED_ADDRESS, ch.remoteAddress().getAddress().getHostAddress()), true));
                    stream.read();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (session != null) {
                sessions.remove(session);
                stats.linkDown();
                LOG.infof("link from edge gateway %s is down", session.node());
            }
            super.channelInactive(ctx);
        }
    }

    /** The edge side opens no streams; one that tries is reset. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class RefuseStreams extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
            ctx.close();
        }
    }
}
