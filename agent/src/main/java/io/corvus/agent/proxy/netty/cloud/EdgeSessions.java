package io.corvus.agent.proxy.netty.cloud;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.corvus.agent.proxy.SourceWhitelist;
import io.corvus.agent.proxy.netty.link.LostPeers;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamChannelOption;
import io.netty.util.concurrent.Future;

/** The links edge gateways hold open to this cloud gateway, one per edge node, newest wins. */
public final class EdgeSessions {

    /** One edge gateway's link: streams are opened on it. */
    public record EdgeSession(String node, Channel connection, SocketAddress remote) {

        /** A new stream to the edge, auto-read off, its window given back by its relay ({@link Relay}), with {@code handler} installed. */
        public Future<Http2StreamChannel> openStream(ChannelHandler handler) {
            return new Http2StreamChannelBootstrap(connection).option(ChannelOption.AUTO_READ, false)
                    .option(Http2StreamChannelOption.AUTO_STREAM_FLOW_CONTROL, false).handler(handler).open();
        }
    }

    private final Map<String, EdgeSession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger turn = new AtomicInteger();
    private final LostPeers lost;

    public EdgeSessions(LostPeers lost) {
        this.lost = lost;
    }

    void add(EdgeSession session) {
        lost.linked(session.node());
        EdgeSession previous = sessions.put(session.node(), session);
        if (previous != null && previous != session) {
            previous.connection().close(); // the node reconnected; its old link is stale
        }
    }

    void remove(EdgeSession session) {
        if (sessions.remove(session.node(), session)) {
            lost.closed(session.node(), session.connection());
        }
    }

    /** A link to one of the nodes (a pool's active proxy endpoints), taking turns among them. */
    public Optional<EdgeSession> pick(List<String> nodes) {
        List<EdgeSession> up = nodes.stream().map(sessions::get).filter(s -> s != null && s.connection().isActive()).toList();
        return up.isEmpty() ? Optional.empty() : Optional.of(up.get(Math.floorMod(turn.getAndIncrement(), up.size())));
    }

    /** Closes the links of nodes that are no longer active edge proxy endpoints, or whose source left the whitelist. */
    public void retain(Set<String> nodes, SourceWhitelist whitelist) {
        sessions.values().stream().filter(s -> !nodes.contains(s.node()) || !(s.remote() instanceof InetSocketAddress address
                && whitelist.allows(address.getAddress()))).forEach(s -> s.connection().close());
    }

    public List<String> nodes() {
        return sessions.keySet().stream().sorted().toList();
    }

    public void closeAll() {
        sessions.values().forEach(s -> s.connection().close());
    }
}
