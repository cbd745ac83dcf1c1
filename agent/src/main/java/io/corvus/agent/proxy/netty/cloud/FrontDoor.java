package io.corvus.agent.proxy.netty.cloud;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.corvus.agent.proxy.Authority;
import io.corvus.agent.proxy.CloudPolicy;
import io.corvus.agent.proxy.FrontTarget;
import io.corvus.agent.proxy.netty.link.ChannelErrors;
import io.corvus.agent.proxy.netty.link.HeldToSend;
import io.corvus.agent.proxy.netty.link.ProxyLink;
import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.corvus.agent.proxy.netty.link.Relay;
import io.corvus.agent.proxy.netty.link.Transport;
import io.corvus.agent.topology.ClusterView;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import org.jboss.logging.Logger;

/**
 * A front door of the cloud gateway: 10281 (TLS, a client certificate from the cluster's CA
 * required) and 10282 (plain HTTP). A client names an edge node with {@code CONNECT host:port}, or
 * sends a plain request routed by absolute URI, {@code ?nodeName=} or Host. The door opens a
 * stream through the link of that node's pool and relays: the CONNECT link raw, a plain
 * request re-encoded with {@code Connection: close} (so a kept-alive client cannot steer a second
 * request elsewhere) unless it upgrades (WebSocket, SPDY), which then goes raw too. Only nodes of
 * the cluster's edge pools can be reached.
 */
public final class FrontDoor implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FrontDoor.class);
    static final String SOURCE = "corvus-source";

    private final String name;
    private final EventLoopGroup group;
    private final SslContext tls;
    private final Supplier<CloudPolicy> policy;
    private final EdgeSessions sessions;
    private final ProxyStats stats;
    private final HeldToSend sends;
    private Channel listener;

    /** @param tls the server context (client certificates required), or null for the plain door */
    public FrontDoor(String name, EventLoopGroup group, SslContext tls, Supplier<CloudPolicy> policy, EdgeSessions sessions,
            ProxyStats stats, HeldToSend sends) {
        this.name = name;
        this.group = group;
        this.tls = tls;
        this.policy = policy;
        this.sessions = sessions;
        this.stats = stats;
        this.sends = sends;
    }

    public FrontDoor start(InetSocketAddress bind) throws InterruptedException {
        listener = new ServerBootstrap().group(group).channel(Transport.serverChannel(group))
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, tls == null)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, sends.reads())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast("http", new HttpRequestDecoder(4096, ProxyLink.MAX_HEADER_LIST, 8192))
                                .addLast("front", new Request());
                    }
                }).bind(bind).sync().channel();
        LOG.infof("front door %s listening on %s", name, listener.localAddress());
        return this;
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
    }

    /** One client connection: its request head decides the stream; then bytes flow to it. */
    private final class Request extends ChannelInboundHandlerAdapter {
        private enum State { HEAD, OPENING, FORWARDING, DONE }

        private State state = State.HEAD;
        private boolean connect;
        private boolean upgrade;
        private final List<HttpObject> early = new ArrayList<>();
        /** Re-encodes a plain request; made only for one (a CONNECT never needs it). */
        private EmbeddedChannel encoder;

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            ctx.read();
            super.channelActive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            switch (state) {
                case HEAD -> {
                    if (msg instanceof HttpRequest request) {
                        head(ctx, request);
                    }
                    if (msg instanceof HttpContent content && state == State.OPENING) {
                        early.add(content.retain());
                    }
                    ReferenceCountUtil.release(msg);
                }
                case OPENING -> early.add((HttpObject) msg);
                case FORWARDING -> forward(ctx, (HttpObject) msg);
                case DONE -> ReferenceCountUtil.release(msg); // one request per connection (Connection: close)
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            switch (state) {
                case HEAD, DONE -> ctx.read();
                case FORWARDING -> ctx.fireChannelReadComplete(); // the relay flushes and asks for more
                case OPENING -> { } // reading resumes once the stream is open
            }
        }

        private void head(ChannelHandlerContext ctx, HttpRequest request) {
            if (request.decoderResult().isFailure()) {
                refuse(ctx, 400, "cannot read the request: " + request.decoderResult().cause().getMessage());
                return;
            }
            Authority target;
            try {
                target = FrontTarget.of(request.method().name(), request.uri(), request.headers().get(HttpHeaderNames.HOST));
            } catch (IllegalArgumentException e) {
                refuse(ctx, 400, e.getMessage());
                return;
            }
            ClusterView view = policy.get().view();
            var route = view.route(target.host());
            if (route.isEmpty()) {
                stats.dialError("not-an-edge-node");
                refuse(ctx, 403, target.host() + " is not a node of an edge pool of cluster " + view.clusterId()
                        + "; this proxy reaches edge nodes only");
                return;
            }
            var session = sessions.pick(view.proxyEndpointsOf(route.get().gatewayName()));
            if (session.isEmpty()) {
                stats.dialError("no-link");
                refuse(ctx, 503, "no link from edge pool " + route.get().gatewayName() + " is up (its gateways: "
                        + view.proxyEndpointsOf(route.get().gatewayName()) + ")");
                return;
            }
            connect = request.method().equals(HttpMethod.CONNECT);
            upgrade = request.headers().contains(HttpHeaderNames.UPGRADE);
            HttpRequest forwarded = request;
            if (!connect && !upgrade) {
                forwarded.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            if (!connect) {
                toOriginForm(forwarded);
            }
            if (!connect) {
                early.add(forwarded);
                ReferenceCountUtil.retain(forwarded);
            }
            state = State.OPENING;
            String source = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
            onLoopOf(session.get().connection(), ctx.channel(), () -> open(ctx, session.get(), target, source));
        }

        private void open(ChannelHandlerContext ctx, EdgeSessions.EdgeSession session, Authority target, String source) {
            session.openStream(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                    stream.pipeline().addLast(new Answer(ctx), new Relay.Gate());
                }
            }).addListener(opened -> {
                if (!opened.isSuccess()) {
                    refuse(ctx, 502, "cannot open a stream to edge gateway " + session.node() + ": " + opened.cause());
                    return;
                }
                Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
                stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("CONNECT")
                        .authority(target.toString()).set(SOURCE, source), false));
                stream.read();
            });
        }

        /**
         * Moves the client's connection onto the event loop of the link it will use, then runs
         * {@code next} there: every byte then passes between the two on one thread, without a task
         * hand-over and a selector wake-up per write.
         */
        private void onLoopOf(Channel link, Channel client, Runnable next) {
            EventLoop loop = link.eventLoop();
            if (client.eventLoop() == loop) {
                next.run();
                return;
            }
            client.deregister().addListener(off -> {
                if (!off.isSuccess()) {
                    client.close();
                    return;
                }
                loop.register(client).addListener(on -> {
                    if (on.isSuccess()) {
                        next.run();
                    } else {
                        client.close();
                    }
                });
            });
        }

        /** A request sent as to a proxy ({@code GET http://host:port/path}) goes to the target as {@code GET /path}. */
        private void toOriginForm(HttpRequest request) {
            URI uri = URI.create(request.uri());
            if (uri.isAbsolute() && uri.getRawAuthority() != null) {
                String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
                request.setUri(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
                request.headers().set(HttpHeaderNames.HOST, uri.getRawAuthority());
            }
        }

        /** The edge connected the target: relay from now on. */
        private void opened(ChannelHandlerContext ctx, Http2StreamChannel stream) {
            Relay.join(ctx.channel(), stream, tls == null, stats, sends);
            if (connect) {
                ctx.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 200 Connection established\r\n\r\n", StandardCharsets.US_ASCII));
                early.forEach(ReferenceCountUtil::release); // the decoder's empty content of a CONNECT
                early.clear();
                raw(ctx);
                return;
            }
            state = State.FORWARDING;
            List<HttpObject> waiting = List.copyOf(early);
            early.clear();
            waiting.forEach(object -> forward(ctx, object));
        }

        /** Re-encodes the request and passes the bytes on to the relay. */
        private void forward(ChannelHandlerContext ctx, HttpObject object) {
            if (encoder == null) {
                encoder = new EmbeddedChannel(new HttpRequestEncoder());
            }
            encoder.writeOutbound(object);
            for (ByteBuf bytes; (bytes = encoder.readOutbound()) != null; ) {
                ctx.fireChannelRead(bytes);
            }
            if (object instanceof LastHttpContent) {
                ctx.fireChannelReadComplete();
                if (upgrade) {
                    raw(ctx); // the upgraded protocol is not HTTP: pass it on as it comes
                } else {
                    state = State.DONE;
                }
            }
        }

        /** From here on the client's bytes go to the relay unparsed. */
        private void raw(ChannelHandlerContext ctx) {
            releaseEncoder();
            ctx.pipeline().remove(this);
            ctx.pipeline().remove("http"); // bytes it held back go on to the relay
        }

        private void releaseEncoder() {
            if (encoder != null) {
                encoder.finishAndReleaseAll();
                encoder = null;
            }
        }

        private void refuse(ChannelHandlerContext ctx, int status, String reason) {
            LOG.debugf("front door %s: %d for %s: %s", name, status, ctx.channel().remoteAddress(), reason);
            state = State.DONE;
            early.forEach(ReferenceCountUtil::release);
            early.clear();
            byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            ctx.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            early.forEach(ReferenceCountUtil::release);
            early.clear();
            releaseEncoder();
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ChannelErrors.log(LOG, "front door " + name + " connection " + ctx.channel().remoteAddress(), cause);
            ctx.close();
        }

        /** The edge's answer to the stream's CONNECT: connected, or refused with the reason. */
        private final class Answer extends ChannelInboundHandlerAdapter {
            private final ChannelHandlerContext front;
            private boolean answered;

            Answer(ChannelHandlerContext front) {
                this.front = front;
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (!(msg instanceof Http2HeadersFrame headers) || answered) {
                    ctx.fireChannelRead(msg); // data behind the answer: the gate holds it for the relay
                    return;
                }
                answered = true;
                ReferenceCountUtil.release(msg);
                CharSequence status = headers.headers().status();
                if (status != null && "200".contentEquals(status)) {
                    front.executor().execute(() -> opened(front, (Http2StreamChannel) ctx.channel()));
                    return;
                }
                CharSequence reason = headers.headers().get(ProxyLink.REASON);
                stats.dialError(reasonOf(status));
                int code = status == null || !status.toString().matches("\\d{3}") ? 502 : Integer.parseInt(status.toString());
                front.executor().execute(() -> refuse(front, code, reason == null ? "the edge gateway refused" : reason.toString()));
                ctx.close();
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                ctx.fireChannelReadComplete();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (!answered) {
                    front.executor().execute(() -> refuse(front, 502, "the edge gateway closed the stream without an answer"));
                }
                ctx.fireChannelInactive(); // a relay behind us ends its client's connection with the stream
            }

            private String reasonOf(CharSequence status) {
                return switch (String.valueOf(status)) {
                    case "403" -> "denied-by-edge";
                    case "504" -> "target-timeout";
                    default -> "target-unreachable";
                };
            }
        }
    }
}
