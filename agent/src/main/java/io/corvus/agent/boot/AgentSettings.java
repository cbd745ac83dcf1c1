package io.corvus.agent.boot;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import io.corvus.agent.proxy.DialMode;
import io.corvus.events.Raven;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who this agent is and how its proxy runs: set from the environment ({@code CORVUS_AGENT_*}) on
 * every node, or as system properties ({@code -Dcorvus.agent.*}); read by {@link AgentConfig}.
 */
@ConfigMapping(prefix = "corvus.agent")
public interface AgentSettings {

    /** The cluster the node belongs to (a DNS-1123 label). */
    String clusterId();

    /** The Kubernetes node name. */
    String nodeName();

    /** How often the agent tells the elector it is alive. */
    @WithDefault("1s")
    Duration heartbeatInterval();

    /** HTTP: {@code /q/health}, {@code /q/health/live} and {@code /q/health/ready} (0: any free port). */
    @WithDefault("10284")
    int healthPort();

    /** HTTP: Prometheus metrics on {@code /q/metrics} (0: any free port). */
    @WithDefault("10283")
    int metricsPort();

    /** Where the health and metrics endpoints listen. */
    @WithDefault("0.0.0.0")
    String managementAddress();

    /**
     * Whether the agent starts afresh in its own process (same process id, through {@code execv}) once
     * its node held a gateway role and holds none: the JVM keeps what a role loaded (TLS, HTTP/2 and
     * WireGuard classes, their compiled code, buffer pools: about 48 MB) for as long as it runs. The
     * agent stops first as on SIGTERM, so its last heartbeat says it stops; the new program beats
     * 1.4-1.6 s later (bench/footprint.sh).
     */
    @WithDefault("true")
    boolean restartWhenGatewayRoleGoes();

    /**
     * How long the node's gateway role must stay gone before the agent restarts in place: a role that
     * comes back sooner keeps the JVM that has its code compiled (see {@link RestartWhenRoleGone}).
     */
    @WithDefault("60s")
    Duration restartAfterGatewayRoleGoneFor();

    Proxy proxy();

    Tunnel tunnel();

    Certificates certificates();

    /** Where the proxy's TLS files come from when they are not given: the cluster's CertificateSigningRequest API. */
    interface Certificates {

        /**
         * Obtains the files named by corvus.agent.proxy.certificate, .key and .ca through a
         * CertificateSigningRequest (signer corvus.io/agent) when they are missing or past two
         * thirds of their life: how the DaemonSet's agents get theirs.
         */
        @WithDefault("false")
        boolean request();

        @WithDefault("https://kubernetes.default.svc")
        URI apiServer();

        /** The service account's token; without the file, requests carry none. */
        @WithDefault("/var/run/secrets/kubernetes.io/serviceaccount/token")
        Path tokenFile();

        /** The API server's CA; without the file, the JDK's trusted CAs. */
        @WithDefault("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")
        Path caFile();

        /** How often a request waiting for its signature is looked at. */
        @WithDefault("2s")
        Duration pollInterval();
    }

    /** Tunnel mode: where WireGuard runs, where the keys are, and the names of Corvus's objects on the node. */
    interface Tunnel {

        /**
         * {@code auto} (the kernel module where the node has it, else {@code java}), {@code kernel},
         * {@code java} (Corvus's own WireGuard in the agent's process) or {@code wireguard-go}.
         */
        @WithDefault("auto")
        String driver();

        /** Where the node's WireGuard private key is kept (0600) across restarts: a hostPath in a cluster. */
        @WithDefault("/var/lib/corvus")
        Path stateDirectory();

        /** The cluster's WireGuard preshared key (a Secret's file); without it tunnel mode stays off on the node. */
        Optional<Path> presharedKeyFile();

        /**
         * TCP: the hub's presence connections, which every other gateway holds beside its WireGuard
         * peering so that a dead agent is noticed at once. The same on every node of a cluster.
         */
        @WithDefault("" + Raven.TUNNEL_PRESENCE_PORT)
        int presencePort();

        /** The device of the node's private address; found by that address when not set. */
        Optional<String> underlayDevice();

        @WithDefault("corvus-wg")
        String wireguardInterface();

        @WithDefault("corvus-vx")
        String vxlanInterface();

        @WithDefault("1028")
        int routeTable();

        @WithDefault("1028")
        int rulePriority();

        @WithDefault("corvus")
        String nftTable();

        /** How often a gateway probes each peer through the tunnel. */
        @WithDefault("2s")
        Duration probeInterval();

        /** How often the node's tunnel objects are compared with the plan though the topology did not change. */
        @WithDefault("10s")
        Duration resyncInterval();
    }

    /** Proxy mode: the ports of DESIGN.md, the node's certificate, what the edge side may dial. */
    interface Proxy {

        @WithDefault("0.0.0.0")
        String bindAddress();

        /** The link server of a cloud gateway (edge gateways dial in). */
        @WithDefault("" + Raven.PROXY_LINK_PORT)
        int linkPort();

        /** The HTTPS front door (a client certificate from the cluster's CA required). */
        @WithDefault("" + Raven.PROXY_HTTPS_PORT)
        int httpsPort();

        /** The HTTP front door. */
        @WithDefault("" + Raven.PROXY_HTTP_PORT)
        int httpPort();

        /** The node's certificate (PEM), issued by the cluster's Corvus CA; CN = node name. */
        Optional<Path> certificate();

        /** The node's private key (PKCS#8 PEM). */
        Optional<Path> key();

        /** The cluster's Corvus CA certificate (PEM). */
        Optional<Path> ca();

        /** The target ports an edge gateway dials for the cloud: kubelet, read-only kubelet, node exporter. */
        @WithDefault("10250,10255,9100")
        Set<Integer> allowedPorts();

        /**
         * How an edge gateway reaches the cloud gateways: {@code exposure} through the cloud side's
         * public entry (EIP/CLB), {@code endpoints} straight to each cloud proxy endpoint (a flat
         * network, or the local run).
         */
        @WithDefault("exposure")
        DialMode dial();

        /** How often each side PINGs the other. */
        @WithDefault("1s")
        Duration keepalive();

        /** A peer silent this long is dropped (a live peer PINGs every keepalive). */
        @WithDefault("2500ms")
        Duration deadAfter();

        /** How long dialling a target (edge) or a cloud gateway may take. */
        @WithDefault("5s")
        Duration dialTimeout();

        /**
         * A relayed socket that takes no byte this long while bytes wait for it (its reader stopped)
         * is closed and its stream reset. Quiet streams with nothing to send are never cut.
         */
        @WithDefault("5m")
        Duration stallTimeout();

        /**
         * What all relayed streams together may hold to send (read from their sockets, not yet taken
         * by a link) before they stop reading until it falls to three quarters; at least 256K.
         */
        @WithDefault("16M")
        ByteSize sendMark();

        /** The first wait before dialling a lost link again; it doubles, with jitter, up to the longest. */
        @WithDefault("200ms")
        Duration reconnectFirst();

        @WithDefault("10s")
        Duration reconnectLongest();

        /** Netty event loop threads of the data plane (0: one per core). */
        @WithDefault("0")
        int eventLoopThreads();
    }
}
