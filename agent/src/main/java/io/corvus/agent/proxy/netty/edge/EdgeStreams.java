package io.corvus.agent.proxy.netty.edge;

import java.net.ConnectException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.corvus.agent.proxy.DialPolicy;
import io.corvus.agent.proxy.netty.link.HeldToSend;
import io.corvus.agent.proxy.netty.link.ProxyLink;
import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.corvus.agent.proxy.netty.link.Relay;
import io.corvus.agent.proxy.netty.link.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelOption;
import io.netty.util.ReferenceCountUtil;
import org.jboss.logging.Logger;

/**
 * The edge side of each stream the cloud opens: the CONNECT's target is checked against the
 * {@link DialPolicy} (own pool's nodes, allowed ports), dialled on the stream's own event loop, and
 * answered 200 (then relayed), 403 (refused by policy), 502 (the target refused) or 504 (no answer
 * in time), each non-200 with the reason in {@code corvus-reason}. The hello stream tells the agent
 * the address the cloud sees it coming from.
 */
final class EdgeStreams extends ChannelInitializer<Http2StreamChannel> {

    private static final Logger LOG = Logger.getLogger(EdgeStreams.class);

    private final Supplier<DialPolicy> policy;
    private final ProxyStats stats;
    private final HeldToSend sends;
    private final Duration dialTimeout;
    private final Consumer<String> observedAddress;

    EdgeStreams(Supplier<DialPolicy> policy, ProxyStats stats, HeldToSend sends, Duration dialTimeout, Consumer<String> observedAddress) {
        this.policy = policy;
        this.stats = stats;
        this.sends = sends;
        this.dialTimeout = dialTimeout;
        this.observedAddress = observedAddress;
    }

    @Override
    protected void initChannel(Http2StreamChannel stream) {
        stream.config().setOption(Http2StreamChannelOption.AUTO_STREAM_FLOW_CONTROL, false); // before its first frame: its relay gives the window back
        stream.pipeline().addLast(new Request(), new Relay.Gate());
    }

    private final class Request extends ChannelInboundHandlerAdapter {
        private boolean asked;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof Http2HeadersFrame headers) || asked) {
                ctx.fireChannelRead(msg); // data behind the request: the gate holds it for the relay
                return;
            }
            asked = true;
            ctx.channel().config().setAutoRead(false);
            ReferenceCountUtil.release(msg);
            Http2Headers h = headers.headers();
            if ("GET".contentEquals(h.method()) && ProxyLink.HELLO_PATH.contentEquals(String.valueOf(h.path()))) {
                CharSequence observed = h.get(ProxyLink.OBSERVED_ADDRESS);
                if (observed != null && observed.length() <= 64) {
                    observedAddress.accept(observed.toString());
                }
                answer(ctx, "204", null, true);
                return;
            }
            if (!"CONNECT".contentEquals(String.valueOf(h.method()))) {
                answer(ctx, "400", "streams carry CONNECT host:port only", true);
                return;
            }
            switch (policy.get().decide(String.valueOf(h.authority()))) {
                case DialPolicy.Refused refused -> {
                    stats.dialError("denied");
                    LOG.infof("refused a stream to %s: %s", h.authority(), refused.reason());
                    answer(ctx, String.valueOf(refused.status()), refused.reason(), true);
                }
                case DialPolicy.Allowed allowed -> dial(ctx, (Http2StreamChannel) ctx.channel(), allowed);
            }
        }

        private void dial(ChannelHandlerContext ctx, Http2StreamChannel stream, DialPolicy.Allowed target) {
            ChannelFuture connecting = new Bootstrap().group(stream.eventLoop()).channel(Transport.socketChannel(stream.eventLoop()))
                    .option(ChannelOption.AUTO_READ, false).option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.RCVBUF_ALLOCATOR, sends.reads())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) dialTimeout.toMillis())
                    .handler(new NoOp()).connect(target.address(), target.port());
            connecting.addListener(done -> {
                if (!stream.isActive()) {
                    connecting.channel().close(); // the cloud gave up meanwhile
                    return;
                }
                if (done.isSuccess()) {
                    Channel socket = connecting.channel();
                    ctx.pipeline().remove(this);
                    stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
                    Relay.join(socket, stream, true, stats, sends);
                    return;
                }
                boolean timedOut = done.cause() instanceof ConnectTimeoutException;
                stats.dialError(timedOut ? "target-timeout" : done.cause() instanceof ConnectException ? "target-refused" : "target-error");
                answer(ctx, timedOut ? "504" : "502", (timedOut ? "no answer from " : "cannot connect to ") + target.nodeName()
                        + " (" + target.address() + ":" + target.port() + "): " + done.cause().getMessage(), true);
            });
        }

        private void answer(ChannelHandlerContext ctx, String status, String reason, boolean end) {
            Http2Headers headers = new DefaultHttp2Headers().status(status);
            if (reason != null) {
                headers.set(ProxyLink.REASON, reason.replaceAll("\\p{Cntrl}", " "));
            }
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, end));
        }
    }

    @ChannelHandler.Sharable
    private static final class NoOp extends ChannelInboundHandlerAdapter {
    }
}
