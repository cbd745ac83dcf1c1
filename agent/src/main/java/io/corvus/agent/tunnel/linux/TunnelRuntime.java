package io.corvus.agent.tunnel.linux;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.corvus.agent.topology.ClusterView;
import io.corvus.agent.topology.NodeIdentity;
import io.corvus.agent.topology.ViewListener;
import io.corvus.agent.tunnel.NftRuleset;
import io.corvus.agent.tunnel.TunnelNodeSettings;
import io.corvus.agent.tunnel.TunnelPlan;
import io.corvus.agent.tunnel.TunnelPlanner;
import io.corvus.agent.tunnel.TunnelState;
import io.corvus.agent.tunnel.TunnelStatus;
import io.corvus.agent.tunnel.Underlay;
import io.corvus.events.payload.GatewayTopology;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

/**
 * Tunnel mode on this node, following the topology: each new view is planned
 * ({@link TunnelPlanner}) and applied ({@link LinuxTunnel}) on the runtime's own thread, never on
 * the topology's; the node's objects are also compared with the plan every resync interval, so
 * one that something else removed comes back. A gateway probes each peer through the tunnel (a
 * ping from its tunnel address to the peer's, answered by the peer's kernel).
 *
 * <p>Without the cluster's preshared key (or with a key it cannot read) tunnel mode stays off on
 * the node and the status says why; the node then has no public key to offer either, so the elector
 * never makes it a tunnel endpoint. On close, every Corvus object is removed.
 */
public final class TunnelRuntime implements ViewListener, TunnelState, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TunnelRuntime.class);
    /** The average of ping's summary line, {@code rtt min/avg/max/mdev = 0.071/0.071/0.071/0.000 ms}. */
    private static final Pattern RTT = Pattern.compile("= [0-9.]+/([0-9.]+)/");

    private final NodeIdentity node;
    private final TunnelNodeSettings settings;
    private final Commands commands;
    private final Clock clock;
    private final LinuxTunnel linux;
    private final TunnelMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** The outcome of a peer's last probe: answered or not, and how fast. */
    private record Probe(boolean ok, Double rttMillis) {
    }

    private final Map<String, Probe> probes = new ConcurrentHashMap<>();
    private volatile ClusterView view;
    private volatile boolean viewChanged = true;
    private volatile boolean running;
    private volatile TunnelStatus status = TunnelStatus.OFF;
    private volatile TunnelPlan applied = TunnelPlan.NOTHING;
    private LinuxTunnel.Keys keys;
    private String keyProblem;
    private WireGuardDriver driver;

    public TunnelRuntime(NodeIdentity node, TunnelNodeSettings settings, Commands commands, Clock clock, MeterRegistry registry) {
        this.metrics = new TunnelMetrics(registry, clock);
        this.node = node;
        this.settings = settings;
        this.commands = commands;
        this.clock = clock;
        this.linux = new LinuxTunnel(commands, settings.layout());
        this.view = ClusterView.empty(node.clusterId());
    }

    /** Loads the keys, clears what an earlier run left, and starts following the topology. */
    public TunnelRuntime start() {
        loadKeys();
        running = true;
        Thread.ofVirtual().name("tunnel-reconcile").start(this::reconcileLoop);
        Thread.ofVirtual().name("tunnel-probe").start(this::probeLoop);
        return this;
    }

    @Override
    public void apply(ClusterView next) {
        view = next;
        lock.lock();
        try {
            viewChanged = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public TunnelStatus status() {
        return status;
    }

    /** The node's public key, once it has its keys and the cluster's preshared key. */
    public Optional<String> publicKey() {
        return keys == null ? Optional.empty() : Optional.of(keys.publicKey());
    }

    private void loadKeys() {
        try {
            WireGuardKeys own = WireGuardKeys.loadOrCreate(settings.stateDirectory());
            Optional<Path> preshared = WireGuardKeys.presharedKey(settings.presharedKeyFile());
            if (preshared.isEmpty()) {
                keyProblem = "no preshared key: tunnel mode needs the cluster's key in the file named by "
                        + "corvus.agent.tunnel.preshared-key-file (a Secret in a cluster; the local run generates one)"
                        + settings.presharedKeyFile().map(file -> ", and " + file + " cannot be read").orElse("");
                return;
            }
            keys = new LinuxTunnel.Keys(own.privateKeyFile(), own.publicKey(), preshared.get());
        } catch (Exception e) {
            keyProblem = "the tunnel's keys cannot be loaded: " + e.getMessage();
        }
    }

    private void reconcileLoop() {
        chooseDriver();
        while (running) {
            lock.lock();
            try {
                if (!viewChanged) {
                    changed.await(settings.resyncInterval().toMillis(), TimeUnit.MILLISECONDS);
                }
                viewChanged = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            if (running) {
                reconcile();
            }
        }
    }

    /** Plans from the newest view and applies the plan; records the outcome as the status. */
    private synchronized void reconcile() {
        ClusterView current = view;
        TunnelPlan plan = TunnelPlan.NOTHING;
        boolean wanted = current.poolOf(node.nodeName()).map(GatewayTopology::tunnelEnabled).orElse(false);
        String problem = wanted ? keyProblem : null;
        try {
            long started = System.nanoTime();
            IpRoute2.Observed seen = linux.observe();
            if (keys != null && wanted) {
                try {
                    Optional<Underlay> underlay = underlay(current, seen);
                    plan = underlay.map(u -> TunnelPlanner.plan(current, new TunnelPlanner.Node(node.nodeName(), u), settings.layout()))
                            .orElse(TunnelPlan.NOTHING);
                } catch (RuntimeException e) {
                    problem = e.getMessage();
                }
            }
            List<String> changes = linux.apply(plan, seen, plan.wireguard().isPresent() ? driver() : driver, keys);
            if (!changes.isEmpty()) {
                LOG.infof("tunnel of %s (topology generation %d, %d ms): %s", node.nodeName(), current.generation(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), String.join("; ", changes));
            }
            applied = plan;
        } catch (Exception e) {
            problem = "cannot apply the tunnel plan: " + e.getMessage();
            LOG.warnf("tunnel of %s: %s", node.nodeName(), problem);
        }
        probes.keySet().retainAll(plan.wireguard().map(w -> w.peers().stream().map(TunnelPlan.Peer::nodeName).toList()).orElse(List.of()));
        publish(statusOf(plan, problem));
    }

    /** The status with the newest probes; under the runtime's lock, so a reconcile's status is never overwritten by an older one. */
    private synchronized void publishProbes() {
        TunnelStatus before = status;
        publish(new TunnelStatus(before.role(), before.problem(), before.mtu(), before.driver(), before.publicKey(), before.peers().stream()
                .map(p -> probes.containsKey(p.nodeName()) ? p.probed(probes.get(p.nodeName()).ok(), probes.get(p.nodeName()).rttMillis()) : p)
                .toList()));
    }

    private void publish(TunnelStatus next) {
        status = next;
        metrics.update(next);
    }

    /** The device of the node's private address (as the topology lists it), or the one the settings name. */
    private Optional<Underlay> underlay(ClusterView current, IpRoute2.Observed seen) {
        Optional<String> address = current.poolOf(node.nodeName()).flatMap(pool -> pool.members().stream()
                .filter(m -> m.nodeName().equals(node.nodeName())).findFirst()).map(GatewayTopology.Member::privateIp);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        IpRoute2.Address found = seen.deviceOf(address.get()).orElseThrow(() -> new IllegalStateException("no device of this node "
                + "holds " + address.get() + ", its address in the topology; set corvus.agent.tunnel.underlay-device"));
        return Optional.of(new Underlay(settings.underlayDevice().orElse(found.device()), address.get(), found.mtu()));
    }

    /** Finds out at start which driver the node has, so that becoming a gateway does not wait for it. */
    private synchronized void chooseDriver() {
        if (keys != null) {
            try {
                driver();
            } catch (RuntimeException e) {
                LOG.warnf("tunnel of %s: cannot tell which WireGuard driver to use yet: %s", node.nodeName(), e.getMessage());
            }
        }
    }

    private WireGuardDriver driver() {
        if (driver == null) {
            driver = switch (settings.driver()) {
                case KERNEL -> new KernelWireGuard(commands);
                case WIREGUARD_GO -> new UserspaceWireGuard(commands, settings.stateDirectory());
                case JAVA -> new JavaWireGuard(commands);
                case AUTO -> KernelWireGuard.available(commands) ? new KernelWireGuard(commands) : new JavaWireGuard(commands);
            };
            LOG.infof("WireGuard runs in %s on %s", driver.name(), node.nodeName());
        }
        return driver;
    }

    private TunnelStatus statusOf(TunnelPlan plan, String problem) {
        TunnelStatus.Role role = plan.wireguard().isPresent() ? TunnelStatus.Role.GATEWAY
                : plan.vxlan().isPresent() ? TunnelStatus.Role.MEMBER : TunnelStatus.Role.NONE;
        Integer mtu = plan.vxlan().map(TunnelPlan.Vxlan::mtu).orElse(null);
        List<TunnelStatus.Peer> peers = new ArrayList<>();
        if (plan.wireguard().isPresent()) {
            Optional<WireGuardTool.LinkState> state = Optional.empty();
            try {
                state = Optional.of(linux.wireguardState());
            } catch (RuntimeException e) {
                problem = problem != null ? problem : "cannot read the WireGuard link: " + e.getMessage();
            }
            Map<String, long[]> counters = linux.peerCounters();
            List<TunnelPlan.Peer> planned = plan.wireguard().get().peers();
            for (int i = 0; i < planned.size(); i++) {
                TunnelPlan.Peer peer = planned.get(i);
                Optional<WireGuardTool.PeerState> seen = state.flatMap(s -> s.peers().stream()
                        .filter(p -> p.publicKey().equals(peer.publicKey())).findFirst());
                Probe probe = probes.get(peer.nodeName());
                peers.add(new TunnelStatus.Peer(peer.nodeName(), seen.map(WireGuardTool.PeerState::endpoint).orElse(peer.endpoint()),
                        seen.map(WireGuardTool.PeerState::latestHandshake).orElse(null),
                        seen.map(WireGuardTool.PeerState::rxBytes).orElse(0L), seen.map(WireGuardTool.PeerState::txBytes).orElse(0L),
                        counters.getOrDefault(NftRuleset.counter(i, "rx"), new long[2])[0],
                        counters.getOrDefault(NftRuleset.counter(i, "tx"), new long[2])[0],
                        probe == null ? null : probe.ok(), probe == null ? null : probe.rttMillis()));
            }
        }
        return new TunnelStatus(role, problem, mtu, driver == null ? null : driver.name(), keys == null ? null : keys.publicKey(),
                peers);
    }

    private void probeLoop() {
        while (running) {
            TunnelPlan plan = applied;
            if (plan.wireguard().isPresent() && plan.vxlan().isPresent()) {
                String source = plan.vxlan().get().address().replace("/32", "");
                for (TunnelPlan.Peer peer : plan.wireguard().get().peers()) {
                    probes.put(peer.nodeName(), probe(peer, source));
                }
                publishProbes();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(settings.probeInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One ping through the tunnel, from this gateway's tunnel address to the peer's; its kernel answers. */
    private Probe probe(TunnelPlan.Peer peer, String source) {
        Instant started = clock.instant();
        try {
            String out = commands.run("ping", "-n", "-q", "-c", "1", "-W", "1", "-I", source, peer.probe());
            Matcher rtt = RTT.matcher(out);
            double millis = rtt.find() ? Double.parseDouble(rtt.group(1)) : Duration.between(started, clock.instant()).toNanos() / 1e6;
            return new Probe(true, millis);
        } catch (Commands.Failed unanswered) {
            return new Probe(false, null);
        }
    }

    /** Removes every Corvus object of the node and stops what runs WireGuard. */
    @Override
    public synchronized void close() {
        running = false;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            linux.apply(TunnelPlan.NOTHING, driver, keys);
        } catch (Exception e) {
            LOG.warnf("tunnel of %s: cannot remove its objects on the way out: %s", node.nodeName(), e.getMessage());
        }
        if (driver != null) {
            driver.close();
        }
    }
}
