package io.corvus.agent.proxy.netty.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.corvus.agent.proxy.SourceWhitelist;
import io.corvus.agent.proxy.TlsFiles;
import io.corvus.agent.proxy.netty.link.LostPeers;
import io.corvus.agent.proxy.netty.link.ProxyTls;
import io.corvus.agent.proxy.netty.link.Transport;
import io.corvus.agent.tunnel.TunnelPresencePlan;
import io.corvus.events.Backoff;
import io.corvus.pki.ClusterCa;
import io.corvus.pki.NodeCredentials;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Presence connections between a hub and a spoke on loopback, with real TLS and each side on its
 * own event loops, so that shutting those down closes its sockets as a dying process's kernel does.
 */
class TunnelPresenceTest {

    @TempDir
    static Path folder;
    private static ClusterCa ca;
    private final List<Side> sides = new ArrayList<>();

    @BeforeAll
    static void theClustersCa() {
        ca = ClusterCa.create("lab", Duration.ofDays(1));
    }

    @AfterEach
    void stopEverySide() {
        sides.forEach(Side::die);
    }

    @Test
    void whenTheSpokesProcessDiesTheHubReportsItLostOnce() throws Exception {
        Side hub = side("cloud-1").hubOf("edge-1");
        Side spoke = side("edge-1").spokeOf("cloud-1", hub.presence.port());
        await().until(() -> hub.presence.peers().equals(List.of("edge-1")) && spoke.presence.peers().equals(List.of("cloud-1")));
        int changesBefore = hub.changes.get();

        spoke.die();

        await().until(() -> hub.presence.peers().isEmpty());
        assertThat(hub.lost.drain()).containsExactly("edge-1");
        assertThat(hub.lost.drain()).as("reported once").isEmpty();
        assertThat(hub.presence.status().lost()).as("its probe results vouch for nothing until it is back").containsExactly("edge-1");
        assertThat(hub.changes.get()).as("a heartbeat at once").isGreaterThan(changesBefore);
    }

    @Test
    void whenTheHubsProcessDiesTheSpokeReportsItLostAndHoldsItAgainOnceItIsBack() throws Exception {
        Side hub = side("cloud-1").hubOf("edge-1");
        int port = hub.presence.port();
        Side spoke = side("edge-1").spokeOf("cloud-1", port);
        await().until(() -> spoke.presence.peers().equals(List.of("cloud-1")));

        hub.die();

        await().until(() -> spoke.presence.peers().isEmpty());
        assertThat(spoke.lost.drain()).containsExactly("cloud-1");
        assertThat(spoke.presence.status().lost()).containsExactly("cloud-1");
        Side back = side("cloud-1", port).hubOf("edge-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> spoke.presence.peers().equals(List.of("cloud-1"))
                && back.presence.peers().equals(List.of("edge-1")));
        assertThat(spoke.presence.status().lost()).isEmpty();
    }

    @Test
    void aSideThatLetsGoOnPurposeDoesNotReportItsPeerLost() throws Exception {
        Side hub = side("cloud-1").hubOf("edge-1");
        Side spoke = side("edge-1").spokeOf("cloud-1", hub.presence.port());
        await().until(() -> hub.presence.peers().equals(List.of("edge-1")) && spoke.presence.peers().equals(List.of("cloud-1")));

        hub.presence.apply(new TunnelPresencePlan(true, Set.of(), Optional.empty()), hub::serverTls, hub::clientTls); // edge-1 is no gateway any more

        await().until(() -> hub.presence.peers().isEmpty() && spoke.presence.peers().isEmpty());
        assertThat(hub.lost.drain()).as("the hub let go itself").isEmpty();
        assertThat(spoke.lost.drain()).as("the spoke cannot tell: it reports, and the hub's own heartbeat, sent at once, "
                + "tells the elector it lives").containsExactly("cloud-1");
    }

    @Test
    void aNodeTheHubDoesNotExpectIsNeverHeldAndItsRefusalIsNoLoss() throws Exception {
        Side hub = side("cloud-1").hubOf("edge-1");
        Side stranger = side("edge-9").spokeOf("cloud-1", hub.presence.port());
        Side welcome = side("edge-1").spokeOf("cloud-1", hub.presence.port());

        await().until(() -> hub.presence.peers().equals(List.of("edge-1")));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> stranger.presence.peers().isEmpty());
        assertThat(hub.presence.peers()).containsExactly("edge-1");
        assertThat(stranger.lost.drain()).isEmpty();
        assertThat(hub.lost.drain()).isEmpty();
        assertThat(welcome.presence.peers()).containsExactly("cloud-1");
    }

    @Test
    void aSpokeDialsOnlyTheHubItsPlanNamesByItsCertificate() throws Exception {
        Side impostor = side("cloud-2").hubOf("edge-1");
        Side spoke = side("edge-1").spokeOf("cloud-1", impostor.presence.port());

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> spoke.presence.peers().isEmpty()
                && impostor.presence.peers().isEmpty());
        assertThat(spoke.lost.drain()).isEmpty();
        assertThat(impostor.lost.drain()).isEmpty();
    }

    private Side side(String node) {
        return side(node, 0);
    }

    private Side side(String node, int port) {
        Side side = new Side(node, port);
        sides.add(side);
        return side;
    }

    /** One agent's presence, on event loops of its own. */
    private static final class Side {
        final String node;
        final int port;
        final EventLoopGroup group = Transport.group(1);
        final LostPeers lost = new LostPeers();
        final AtomicInteger changes = new AtomicInteger();
        TunnelPresence presence;

        Side(String node, int port) {
            this.node = node;
            this.port = port;
        }

        Side hubOf(String spoke) throws InterruptedException {
            start(port).apply(new TunnelPresencePlan(true, Set.of(spoke), Optional.empty()), this::serverTls, this::clientTls);
            return this;
        }

        Side spokeOf(String hub, int hubPort) throws InterruptedException {
            start(hubPort).apply(new TunnelPresencePlan(false, Set.of(), Optional.of(new TunnelPresencePlan.Hub(hub, "127.0.0.1"))),
                    this::serverTls, this::clientTls);
            return this;
        }

        private TunnelPresence start(int presencePort) {
            presence = new TunnelPresence(node, () -> group, "127.0.0.1", presencePort, Duration.ofMillis(200), Duration.ofSeconds(5),
                    Duration.ofSeconds(2), new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)), lost, changes::incrementAndGet,
                    () -> SourceWhitelist.EVERYONE);
            return presence;
        }

        SslContext serverTls() {
            return ProxyTls.server(files());
        }

        SslContext clientTls() {
            return ProxyTls.client(files());
        }

        private TlsFiles files() {
            try {
                NodeCredentials.PemFiles files = ca.issue(node, List.of("127.0.0.1"), Duration.ofDays(1)).writeTo(folder.resolve(node));
                return new TlsFiles(files.certificate(), files.key(), files.ca());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** As a killed process: its sockets close without a word. */
        void die() {
            if (!group.isShuttingDown()) {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }
}
