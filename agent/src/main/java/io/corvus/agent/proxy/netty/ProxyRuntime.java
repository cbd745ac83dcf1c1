package io.corvus.agent.proxy.netty;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import io.corvus.agent.proxy.CloudPolicy;
import io.corvus.agent.proxy.DialPolicy;
import io.corvus.agent.proxy.ProxySettings;
import io.corvus.agent.proxy.ProxyState;
import io.corvus.agent.proxy.ProxyStatus;
import io.corvus.agent.proxy.TlsFiles;
import io.corvus.agent.proxy.netty.cloud.EdgeSessions;
import io.corvus.agent.proxy.netty.cloud.FrontDoor;
import io.corvus.agent.proxy.netty.cloud.LinkServer;
import io.corvus.agent.proxy.netty.edge.LinkClient;
import io.corvus.agent.proxy.netty.link.CertificateExpiry;
import io.corvus.agent.proxy.netty.link.EventLoops;
import io.corvus.agent.proxy.netty.link.HeldAcrossLinks;
import io.corvus.agent.proxy.netty.link.HeldToSend;
import io.corvus.agent.proxy.netty.link.LostPeers;
import io.corvus.agent.proxy.netty.link.ProxyStats;
import io.corvus.agent.proxy.netty.link.ProxyTls;
import io.corvus.agent.proxy.netty.presence.TunnelPresence;
import io.corvus.agent.topology.ClusterView;
import io.corvus.agent.topology.ViewListener;
import io.corvus.agent.tunnel.TunnelPlanner;
import io.corvus.events.payload.AgentHeartbeat.Role;
import io.corvus.events.payload.GatewayTopology;
import io.netty.handler.ssl.SslContext;
import org.jboss.logging.Logger;

/**
 * The proxy data plane of one agent, following the topology: a cloud gateway's proxy endpoint
 * runs the link server and the front doors; an edge gateway's proxy endpoint runs the link
 * client; any other node runs neither. A new topology is applied in place: roles start and stop,
 * policies (whitelist, accepted edge nodes, reachable targets) change for the next connection or
 * stream, links of nodes that lost their role are closed. The data plane keeps forwarding on the
 * last topology when no new one comes (Kafka away). The tunnel gateways' presence connections
 * ({@link TunnelPresence}) run here too: they share the links' TLS, event loops and lost-peer report.
 */
public final class ProxyRuntime implements ViewListener, ProxyState, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProxyRuntime.class);
    private static final Set<Role> PROXY_ROLES = EnumSet.of(Role.PROXY_SERVER, Role.PROXY_CLIENT);

    private final ProxySettings settings;
    private final ProxyStats stats;
    private final HeldAcrossLinks held;
    private final HeldToSend sends;
    private final EventLoops loops;
    private final LostPeers lost = new LostPeers();
    private final EdgeSessions sessions = new EdgeSessions(lost);
    private final CertificateExpiry certificateExpiry;
    private final TunnelPresence presence;
    /** The newest view the presence connections have yet to follow, or null while they follow the newest. */
    private final AtomicReference<ClusterView> presenceBehind = new AtomicReference<>();
    private volatile Runnable linksChanged = () -> { };
    private volatile ClusterView view;
    private volatile CloudPolicy cloudPolicy;
    private volatile DialPolicy dialPolicy;
    private volatile Set<Role> roles = Set.of();
    private volatile String problem;
    private volatile String observedAddress;
    // written under this object's lock by apply, read without it by status: a heartbeat never waits for a role to start
    private volatile LinkServer server;
    private FrontDoor https;
    private FrontDoor http;
    private volatile LinkClient client;

    public ProxyRuntime(ProxySettings settings, ProxyStats stats, String clusterId) {
        this.settings = settings;
        this.certificateExpiry = new CertificateExpiry(settings.tls().map(TlsFiles::certificate).orElse(null));
        this.stats = stats;
        this.held = new HeldAcrossLinks(stats, settings.stallTimeout());
        this.sends = new HeldToSend(settings.sendBudget(), stats);
        this.loops = new EventLoops(settings.eventLoopThreads());
        this.view = ClusterView.empty(clusterId);
        this.cloudPolicy = CloudPolicy.of(view);
        this.dialPolicy = new DialPolicy(null, settings.allowedPorts());
        this.presence = new TunnelPresence(settings.node(), loops, settings.bindAddress(), settings.presencePort(), settings.keepalive(),
                settings.deadAfter(), settings.dialTimeout(), settings.reconnect(), lost, () -> linksChanged.run(),
                () -> cloudPolicy.whitelist());
    }

    /** Applies the newest topology of the cluster; idempotent. */
    @Override
    public synchronized void apply(ClusterView next) {
        view = next;
        cloudPolicy = CloudPolicy.of(next);
        dialPolicy = new DialPolicy(next.poolOf(settings.node()).filter(GatewayTopology::edge).orElse(null), settings.allowedPorts());
        Set<Role> wanted = EnumSet.noneOf(Role.class);
        next.rolesOf(settings.node()).stream().filter(PROXY_ROLES::contains).forEach(wanted::add);
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
        applyPresence(next);
        if (!wanted.equals(roles)) {
            LOG.infof("proxy roles of %s: %s (topology generation %d, TLS by %s, %s sockets)", settings.node(), wanted, next.generation(),
                    ProxyTls.provider(), loops.transport());
        }
        roles = wanted;
    }

    /**
     * The tunnel gateways' presence connections, whatever the proxy does, followed on a thread of
     * their own: the first TLS context of a node that never had a proxy role took over a second on a
     * busy machine, and the tunnel, given the view after the proxy, waited for it in a failover.
     */
    private void applyPresence(ClusterView next) {
        if (presenceBehind.getAndSet(next) == null) {
            Thread.ofVirtual().name("tunnel-presence").start(this::followPresence);
        }
    }

    /** Applies the newest view until no newer one came meanwhile. */
    private void followPresence() {
        ClusterView next = presenceBehind.get();
        while (next != null) {
            try {
                presence.apply(TunnelPlanner.presence(next, settings.node()), () -> ProxyTls.server(tlsFiles()),
                        () -> ProxyTls.client(tlsFiles()));
            } catch (RuntimeException e) {
                LOG.warnf("tunnel presence of %s cannot start (without it a dead tunnel gateway is noticed by its heartbeats alone): %s",
                        settings.node(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            next = presenceBehind.compareAndSet(next, null) ? null : presenceBehind.get();
        }
    }

    /** Applies the current topology again: after what it lacked (the node's certificate) arrived. */
    public synchronized void retry() {
        apply(view);
    }

    private void serve() throws InterruptedException {
        if (server != null) {
            return;
        }
        TlsFiles files = tlsFiles();
        SslContext tls = ProxyTls.server(files);
        server = new LinkServer(settings.node(), loops.get(), tls, () -> cloudPolicy, sessions, stats, held, settings.keepalive(),
                settings.deadAfter()).start(new InetSocketAddress(settings.bindAddress(), settings.linkPort()));
        https = new FrontDoor("https", loops.get(), tls, () -> cloudPolicy, sessions, stats, sends)
                .start(new InetSocketAddress(settings.bindAddress(), settings.httpsPort()));
        http = new FrontDoor("http", loops.get(), null, () -> cloudPolicy, sessions, stats, sends)
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

    private LinkClient dial() {
        if (client == null) {
            client = new LinkClient(settings.node(), loops.get(), ProxyTls.client(tlsFiles()), () -> dialPolicy, stats, held, sends,
                    settings.reconnect(), settings.dialMode(), settings.keepalive(), settings.deadAfter(), settings.dialTimeout(),
                    address -> observedAddress = address, lost);
        }
        return client;
    }

    private void stopDialling() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** @throws IllegalStateException naming the missing file and the settings to fix */
    private TlsFiles tlsFiles() {
        TlsFiles files = settings.tls().orElseThrow(() -> new IllegalStateException("no node certificate is configured: set "
                + "corvus.agent.proxy.certificate, .key and .ca (the proxy never runs without mutual TLS)"));
        for (Path file : new Path[] {files.certificate(), files.key(), files.ca()}) {
            if (file == null || !Files.isReadable(file)) {
                throw new IllegalStateException("cannot read " + file + ": the proxy needs the node's certificate, key and the "
                        + "cluster's CA (corvus.agent.proxy.certificate, .key, .ca); it never runs without mutual TLS");
            }
        }
        return files;
    }

    /**
     * What the proxy does now, read without waiting: starting a role (TLS, sockets) can take seconds
     * on a starved machine, and the heartbeat that reads this must not be late for it.
     */
    @Override
    public ProxyStatus status() {
        Set<Role> now = roles;
        LinkClient dialling = client;
        List<String> peers = dialling != null ? dialling.peers() : server != null ? sessions.nodes() : List.of();
        boolean up = dialling == null || !peers.isEmpty();
        return new ProxyStatus(now, peers, up, problem, observedAddress, stats.openStreams(), stats.bytesIn(), stats.bytesOut(),
                settings.linkPort(), certificateExpiry.notAfter());
    }

    @Override
    public List<String> drainLostPeers() {
        return lost.drain();
    }

    @Override
    public PresenceStatus tunnelPresence() {
        return presence.status();
    }

    @Override
    public void onLinksChanged(Runnable listener) {
        stats.onLinkChange(listener);
        linksChanged = listener;
    }

    public ClusterView view() {
        return view;
    }

    /** The ports the servers listen on (0 where not serving): link, HTTPS front door, HTTP front door. */
    public synchronized int[] ports() {
        return server == null ? new int[] {0, 0, 0} : new int[] {server.port(), https.port(), http.port()};
    }

    @Override
    public synchronized void close() {
        presence.close();
        stopDialling();
        stopServing();
        loops.shutdown();
    }
}
