package io.corvus.agent.proxy.netty.link;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.jboss.logging.Logger;

/**
 * The handler right behind TLS on a link connection, on either side: once the handshake is done
 * it hands the peer's node name (from its certificate) to {@link #admit}, which either closes the
 * connection or calls {@link #speakHttp2}. What arrived decrypted with the handshake's last bytes
 * is held until then and replayed into the HTTP/2 codec.
 */
public abstract class Admission extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(Admission.class);

    private final List<Object> early = new ArrayList<>();
    private boolean admitted;

    /** The handshake failed: say so; the connection is closed afterwards. */
    protected abstract void handshakeFailed(ChannelHandlerContext ctx, Throwable cause);

    /** The handshake succeeded: check the peer, then close or {@link #speakHttp2}. */
    protected abstract void admit(ChannelHandlerContext ctx, Optional<String> peerNode);

    /** Switches the admitted connection to HTTP/2 and lets the held bytes through. */
    protected final void speakHttp2(ChannelHandlerContext ctx, boolean opensStreams, Duration keepalive, ChannelHandler streams,
            HeldAcrossLinks held) {
        ProxyLink.speakHttp2(ctx, opensStreams, keepalive, streams, held);
        admitted = true;
        early.forEach(ctx::fireChannelRead);
        early.clear();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (admitted) {
            ctx.fireChannelRead(msg);
        } else {
            early.add(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                admit(ctx, ProxyTls.peerNode(ctx.pipeline().get(SslHandler.class).engine().getSession()));
            } else {
                handshakeFailed(ctx, handshake.cause());
                ctx.close();
            }
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ChannelErrors.log(LOG, "link " + ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
