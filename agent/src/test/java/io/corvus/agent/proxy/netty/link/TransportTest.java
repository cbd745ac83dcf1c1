package io.corvus.agent.proxy.netty.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class TransportTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    void onLinuxTheDataPathRunsOnEpollAndItsChannelsMatchTheLoops() {
        EventLoopGroup group = Transport.group(1);
        try {
            assertThat(Transport.name(group)).isEqualTo("epoll");
            assertThat(Transport.serverChannel(group)).isEqualTo(EpollServerSocketChannel.class);
            assertThat(Transport.socketChannel(group.next())).as("a single loop answers for its group").isEqualTo(EpollSocketChannel.class);
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }

    @Test
    void aJavaNioGroupGetsJavaNioChannels() {
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            assertThat(Transport.name(group)).isEqualTo("nio");
            assertThat(Transport.serverChannel(group)).isEqualTo(NioServerSocketChannel.class);
            assertThat(Transport.socketChannel(group.next())).isEqualTo(NioSocketChannel.class);
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }
}
