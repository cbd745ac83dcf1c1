package io.corvus.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.corvus.events.Raven;
import io.corvus.events.payload.GatewayTopology.EndpointType;
import io.corvus.events.view.OverviewSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corvus verify --cluster ID}: is traffic flowing? Every pool has its endpoints, every edge
 * gateway's proxy link is up, a request through the cloud gateway's HTTP door reaches a node of
 * every edge pool, and in tunnel mode every gateway's peers answer probes through the tunnel.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Checks end to end what a cluster has enabled: endpoints in every pool, proxy links, a request through the proxy "
                + "to every edge pool, and in tunnel mode the probes between pools. Exit 1 when a check fails."})
final class VerifyCommand extends ClusterCommand implements Callable<Integer> {


    @Option(names = "--door", paramLabel = "HOST:PORT",
            description = "The cloud gateway's HTTP door (default: the cloud proxy endpoint's address, port " + Raven.PROXY_HTTP_PORT + ").")
    String door;

    @Option(names = "--target-port", defaultValue = "10250",
            description = "The port the request asks for on an edge node (default: ${DEFAULT-VALUE}, the kubelet).")
    int targetPort;

    @Override
    public Integer call() {
        OverviewSnapshot.Cluster state = Findings.cluster(target, cluster);
        List<ClusterChecks.ProxyAnswer> answers = new ArrayList<>();
        if (state.config() != null && state.config().proxyEnabled()) {
            ProxyDoor.address(state, door).ifPresent(address -> state.gateways().stream().filter(OverviewSnapshot.Gateway::edge)
                    .filter(g -> g.endpoints().stream().anyMatch(e -> e.type() == EndpointType.PROXY))
                    .forEach(gateway -> answers.add(request(address, gateway))));
        }
        return Findings.print(output, ClusterChecks.verify(state, answers));
    }

    /** GET / through the door for a node of the pool. */
    private ClusterChecks.ProxyAnswer request(InetSocketAddress address, OverviewSnapshot.Gateway gateway) {
        String host = ProxyDoor.target(gateway, targetPort);
        try {
            ProxyProbe answer = ProxyProbe.get(address, host, "/");
            return new ClusterChecks.ProxyAnswer(gateway.gatewayName(), host, answer.status(), answer.firstLine(), answer.body());
        } catch (IOException e) {
            return new ClusterChecks.ProxyAnswer(gateway.gatewayName(), host, 0, "the door at " + address + " cannot be reached ("
                    + e.getMessage() + "); name it with --door HOST:PORT", "");
        }
    }
}
