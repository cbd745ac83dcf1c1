package io.corvus.agent.proxy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * A stand-in for a kubelet on an edge node, on a real socket: {@code GET /pods} answers the node's
 * name; {@code /containerLogs?follow=true} streams chunked lines, the rest only once {@link #releaseLogs}
 * (like {@code kubectl logs -f}); {@code /exec} is a WebSocket that echoes (like {@code exec} over
 * an upgraded connection); {@code /stream} sends bytes until the reader stops taking them;
 * {@code /download?bytes=N} answers N bytes of {@link #downloadByte} and hangs up (like {@code kubectl cp} from a pod).
 */
final class KubeletLike implements AutoCloseable {

    private final String node;
    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel channel;
    private final CountDownLatch logsReleased = new CountDownLatch(1);
    final AtomicLong streamed = new AtomicLong();

    KubeletLike(String node, String address) throws InterruptedException {
        this.node = node;
        this.channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/exec"), new Echo(), new Routes());
                    }
                }).bind(address, 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The byte at this offset of a download: a pattern, so that a lost or repeated stretch shows. */
    static byte downloadByte(long offset) {
        return (byte) (offset % 251);
    }

    void releaseLogs() {
        logsReleased.countDown();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Echo extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ctx.writeAndFlush(new TextWebSocketFrame(node + " echoes " + frame.text()));
        }
    }

    private final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            switch (uri.path()) {
                case "/pods" -> respond(ctx, request, "{\"node\":\"" + node + "\",\"pods\":[]}");
                case "/containerLogs" -> followLogs(ctx);
                case "/stream" -> stream(ctx);
                case "/download" -> download(ctx, Integer.parseInt(uri.parameters().get("bytes").getFirst()));
                default -> {
                    var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
                    HttpUtil.setContentLength(response, 0);
                    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                }
            }
        }

        private void respond(ChannelHandlerContext ctx, FullHttpRequest request, String body) {
            var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            HttpUtil.setContentLength(response, response.content().readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        private void followLogs(ChannelHandlerContext ctx) {
            var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.write(head);
            ctx.writeAndFlush(line(1));
            Thread.ofVirtual().start(() -> {
                try {
                    logsReleased.await();
                } catch (InterruptedException e) {
                    return;
                }
                ctx.executor().execute(() -> {
                    for (int i = 2; i <= 5; i++) {
                        ctx.write(line(i));
                    }
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
                });
            });
        }

        private DefaultHttpContent line(int i) {
            return new DefaultHttpContent(Unpooled.copiedBuffer(node + " log line " + i + "\n", StandardCharsets.UTF_8));
        }

        private void download(ChannelHandlerContext ctx, int size) {
            ByteBuf body = ctx.alloc().buffer(size);
            for (int i = 0; i < size; i++) {
                body.writeByte(downloadByte(i));
            }
            var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            HttpUtil.setContentLength(response, size);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        private void stream(ChannelHandlerContext ctx) {
            var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.writeAndFlush(head);
            sendWhileWritable(ctx);
        }

        private void sendWhileWritable(ChannelHandlerContext ctx) {
            while (ctx.channel().isActive() && ctx.channel().isWritable()) {
                ByteBuf chunk = ctx.alloc().buffer(16384).writeZero(16384);
                streamed.addAndGet(16384);
                ctx.writeAndFlush(new DefaultHttpContent(chunk));
            }
            if (ctx.channel().isActive()) {
                ctx.channel().eventLoop().schedule(() -> sendWhileWritable(ctx), 5, TimeUnit.MILLISECONDS);
            }
        }
    }
}
