package io.corvus.agent.proxy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.corvus.agent.proxy.netty.EdgeSessions;
import io.corvus.agent.proxy.netty.FrontDoor;
import io.corvus.agent.proxy.netty.HeldAcrossTunnels;
import io.corvus.agent.proxy.netty.HeldToSend;
import io.corvus.agent.proxy.netty.ProxyTls;
import io.corvus.agent.proxy.netty.TlsFiles;
import io.corvus.agent.proxy.netty.Transport;
import io.corvus.agent.proxy.netty.TunnelClient;
import io.corvus.agent.proxy.netty.TunnelServer;
import io.corvus.agent.proxy.policy.DialPolicy;
import io.corvus.agent.proxy.policy.SendBudget;
import io.corvus.agent.topology.ClusterView;
import io.corvus.events.payload.AgentHeartbeat.Role;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.service.Backoff;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import org.jboss.logging.Logger;

/**
 * The proxy data plane of one agent, following the topology: a cloud gateway's proxy endpoint
 * runs the tunnel server and the front doors; an edge gateway's proxy endpoint runs the tunnel
 * client; any other node runs neither. A new topology is applied in place: roles start and stop,
 * policies (whitelist, accepted edge nodes, reachable targets) change for the next connection or
 * stream, tunnels of nodes that lost their role are closed. The data plane keeps forwarding on the
 * last topology when no new one comes (Kafka away).
 */
public final class ProxyRuntime implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProxyRuntime.class);

    /**
     * @param tls          the node's certificate, key and CA; without them no proxy role can start
     * @param allowedPorts the target ports the edge side may dial
     * @param stallTimeout how long a relayed socket may take no byte while bytes wait for it
     * @param sendBudget   what all relays together may hold to send before they stop reading
     */
    public record Settings(String node, String bindAddress, int tunnelPort, int httpsPort, int httpPort, Optional<TlsFiles> tls,
            Set<Integer> allowedPorts, TunnelClient.DialMode dialMode, Duration keepalive, Duration deadAfter,
            Duration dialTimeout, Duration stallTimeout, SendBudget sendBudget, Backoff reconnect, int eventLoopThreads) {
        public Settings {
            positive("keepalive", keepalive);
            positive("dead-after", deadAfter);
            positive("dial-timeout", dialTimeout);
            positive("stall-timeout", stallTimeout);
        }

        /** A zero timeout would cut every stream at once, a zero keepalive flood the peer with PINGs. */
        private static void positive(String setting, Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("corvus.agent.proxy." + setting + " must be a positive duration such as 2s or 5m, not "
                        + value);
            }
        }
    }

    /** What the agent reports about its proxy: roles, peers, and why it cannot serve, if it cannot. */
    public record Status(Set<Role> roles, List<String> peers, boolean tunnelUp, String problem, String observedAddress) {
    }

    private final Settings settings;
    private final ProxyStats stats;
    private final HeldAcrossTunnels held;
    private final HeldToSend sends;
    private final EventLoopGroup group;
    private final EdgeSessions sessions = new EdgeSessions();
    private volatile ClusterView view;
    private volatile CloudPolicy cloudPolicy;
    private volatile DialPolicy dialPolicy;
    private volatile Set<Role> roles = Set.of();
    private volatile String problem;
    private volatile String observedAddress;
    private TunnelServer server;
    private FrontDoor https;
    private FrontDoor http;
    private TunnelClient client;

    public ProxyRuntime(Settings settings, ProxyStats stats, String clusterId) {
        this.settings = settings;
        this.stats = stats;
        this.held = new HeldAcrossTunnels(stats, settings.stallTimeout());
        this.sends = new HeldToSend(settings.sendBudget(), stats);
        this.group = Transport.group(settings.eventLoopThreads());
        this.view = ClusterView.empty(clusterId);
        this.cloudPolicy = CloudPolicy.of(view);
        this.dialPolicy = new DialPolicy(null, settings.allowedPorts());
    }

    /** Applies the newest topology of the cluster; idempotent. */
    public synchronized void apply(ClusterView next) {
        view = next;
        cloudPolicy = CloudPolicy.of(next);
        dialPolicy = new DialPolicy(next.poolOf(settings.node()).filter(GatewayTopology::edge).orElse(null), settings.allowedPorts());
        Set<Role> wanted = next.rolesOf(settings.node());
        try {
            if (wanted.contains(Role.PROXY_SERVER)) {
                serve();
                sessions.retain(cloudPolicy.edgeClients(), cloudPolicy.whitelist());
            } else {
                stopServing();
            }
            if (wanted.contains(Role.PROXY_CLIENT)) {
                dial().update(next);
            } else {
                stopDialling();
            }
            problem = null;
        } catch (RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            problem = e.getMessage();
            LOG.errorf("proxy roles %s cannot start: %s", wanted, e.getMessage());
        }
        if (!wanted.equals(roles)) {
            LOG.infof("proxy roles of %s: %s (topology generation %d, TLS by %s, %s sockets)", settings.node(), wanted, next.generation(),
                    ProxyTls.provider(), Transport.name(group));
        }
        roles = wanted;
    }

    private void serve() throws InterruptedException {
        if (server != null) {
            return;
        }
        TlsFiles files = tlsFiles();
        SslContext tls = ProxyTls.server(files);
        server = new TunnelServer(settings.node(), group, tls, () -> cloudPolicy, sessions, stats, held, settings.keepalive(),
                settings.deadAfter()).start(new InetSocketAddress(settings.bindAddress(), settings.tunnelPort()));
        https = new FrontDoor("https", group, tls, () -> cloudPolicy, sessions, stats, sends)
                .start(new InetSocketAddress(settings.bindAddress(), settings.httpsPort()));
        http = new FrontDoor("http", group, null, () -> cloudPolicy, sessions, stats, sends)
                .start(new InetSocketAddress(settings.bindAddress(), settings.httpPort()));
    }

    private void stopServing() {
        if (server != null) {
            http.close();
            https.close();
            server.close();
            server = null;
            https = null;
            http = null;
        }
    }

    private TunnelClient dial() {
        if (client == null) {
            client = new TunnelClient(settings.node(), group, ProxyTls.client(tlsFiles()), () -> dialPolicy, stats, held, sends,
                    settings.reconnect(), settings.dialMode(), settings.keepalive(), settings.deadAfter(), settings.dialTimeout(),
                    address -> observedAddress = address);
        }
        return client;
    }

    private void stopDialling() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    private TlsFiles tlsFiles() {
        return settings.tls().orElseThrow(() -> new IllegalStateException("no node certificate is configured: set "
                + "corvus.agent.proxy.certificate, .key and .ca (the proxy never runs without mutual TLS)")).requireReadable();
    }

    public Status status() {
        Set<Role> now = roles;
        List<String> peers;
        boolean up;
        synchronized (this) {
            peers = client != null ? client.peers() : server != null ? sessions.nodes() : List.of();
            up = client == null || !client.peers().isEmpty();
        }
        return new Status(now, peers, up, problem, observedAddress);
    }

    public ClusterView view() {
        return view;
    }

    /** The ports the servers listen on (0 where not serving): tunnel, HTTPS front door, HTTP front door. */
    public synchronized int[] ports() {
        return server == null ? new int[] {0, 0, 0} : new int[] {server.port(), https.port(), http.port()};
    }

    @Override
    public synchronized void close() {
        stopDialling();
        stopServing();
        if (!group.isShuttingDown()) {
            group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
