package io.corvus.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.corvus.agent.Steady;
import io.corvus.agent.proxy.ProxyRig.Agent;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import org.junit.jupiter.api.Test;

/**
 * What a relay has handed to its socket and the socket's kernel has not taken yet stays in the
 * stream's window, and so in the tunnel's receive budget. Two hundred answers of 112 KiB go to
 * clients that read nothing: each client's kernel and the cloud's take part of its answer, and the
 * cloud queues the rest, about 64 KiB each, to the client's socket. The budget counts those bytes,
 * so the cloud holds no more than it (resetting its biggest holders past 12 MiB, as for bytes its
 * streams did not read). With the window given back once the relay read a frame, the budget counted
 * 12.5 MiB unread beside 13.2 MiB queued outside it: 25.7 MiB against the tunnel's 16 MiB.
 */
class HeldForSocketsIT {

    private static final int ANSWERS = 200;
    private static final int ANSWER = 112 << 10;
    /** The tunnel's connection window: the most its peer can have sent that this side holds. */
    private static final long TUNNEL_BUDGET = 16 << 20;
    /**
     * Over loopback, a socket's kernel would take a whole answer: it sizes its send buffer by the
     * segment size (64 KiB there) and took 32 MiB for 200 of them. The clients ask for the segments
     * of an Ethernet link (TCP_MAXSEG, option 2 of IPPROTO_TCP), as a kubectl across a network has.
     */
    private static final IntegerUnixChannelOption TCP_MAXSEG = new IntegerUnixChannelOption("TCP_MAXSEG", 6, 2);

    @Test
    void answersNobodyReadsHoldNoMoreThanTheTunnelsBudgetThoseQueuedToSocketsIncluded() throws Exception {
        EpollEventLoopGroup clients = new EpollEventLoopGroup(1);
        try (ProxyRig rig = new ProxyRig()) {
            KubeletLike kubelet = rig.closeLater(new KubeletLike("edge-1", "127.0.0.1"));
            Agent cloud = rig.agent("cloud-1", Set.of());
            Agent edge = rig.agent("edge-1", Set.of(kubelet.port()));
            ProxyRig.bringUp(cloud, ProxyRig::cloudAndOneEdge, List.of(edge));

            List<Channel> readers = new ArrayList<>();
            Bootstrap nonReading = new Bootstrap().group(clients).channel(EpollSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false).option(ChannelOption.SO_RCVBUF, 4096).option(TCP_MAXSEG, 1460)
                    .option(ChannelOption.SO_LINGER, 0).handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) { // nothing to do: these clients only ask
                        }
                    });
            try {
                for (int i = 0; i < ANSWERS; i++) {
                    Channel reader = nonReading.connect("127.0.0.1", cloud.httpPort()).sync().channel();
                    readers.add(reader);
                    String ask = "GET /download?bytes=" + ANSWER + " HTTP/1.1\r\nHost: edge-1:" + kubelet.port() + "\r\n\r\n";
                    reader.writeAndFlush(Unpooled.copiedBuffer(ask, StandardCharsets.US_ASCII)).sync();
                }
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(Steady.within(0, () -> cloud.stats().bytesOut() + edge.stats().bytesIn()));

                long forSockets = cloud.stats().heldForSockets();
                assertThat(forSockets).as("bytes the cloud queued to its clients' sockets").isPositive();
                assertThat(cloud.stats().heldUnread()).as("bytes the cloud holds for its clients, as its tunnel's budget counts them")
                        .isGreaterThanOrEqualTo(forSockets)
                        .isLessThanOrEqualTo(TUNNEL_BUDGET);
                try (RawHttp client = RawHttp.to(cloud.httpPort())) {
                    client.send("GET /pods HTTP/1.1\r\nHost: edge-1:" + kubelet.port() + "\r\n\r\n");
                    assertThat(client.rest()).as("a reading client beside the stalled ones").contains("\"node\":\"edge-1\"");
                }
            } finally {
                readers.forEach(Channel::close); // with a reset: SO_LINGER 0
            }
            ProxyRig.awaitNoOpenStreams(cloud, edge);
            assertThat(cloud.stats().heldForSockets()).as("queued to sockets once every stream ended").isZero();
        } finally {
            clients.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
