package io.corvus.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.corvus.events.Json;
import io.corvus.events.Raven;

/**
 * A cluster for tunnel mode made of {@link NamespaceLab} nodes: its pools and their nodes, the
 * inventory the elector publishes them from (their underlay addresses as InternalIP), and where
 * each node's agent runs (in its node's namespace, with its pool's WireGuard driver and a link name
 * of its own, since the user-space drivers' control sockets share one folder on the machine).
 */
final class TunnelLab implements LocalStack.Placement, AutoCloseable {

    /**
     * A node pool: its name, whether it is an edge pool, how many nodes, and the WireGuard driver of
     * their agents ({@code corvus.agent.tunnel.driver}). Pod CIDRs: 10.244.(10 × pool + node).0/24.
     */
    record Pool(String name, boolean edge, int size, String driver) {
    }

    /**
     * What the demo and the tests build: a cloud pool and two edge pools of two nodes each, one
     * driver each, so that the tunnels join different implementations: the default (the kernel's
     * WireGuard where there is one, else the agent's own), wireguard-go, and the agent's own.
     */
    static final List<Pool> THREE_POOLS = List.of(new Pool("cloud", false, 2, "auto"), new Pool("edge-hangzhou", true, 2, "wireguard-go"),
            new Pool("edge-shanghai", true, 2, "java"));

    private final NamespaceLab lab;
    private final Map<String, Pool> poolOf = new LinkedHashMap<>();
    private final LocalInventory inventory;

    private TunnelLab(NamespaceLab lab, LocalInventory inventory, Map<String, Pool> poolOf) {
        this.lab = lab;
        this.inventory = inventory;
        this.poolOf.putAll(poolOf);
    }

    /** Makes the nodes and writes their inventory into {@code runFolder}. */
    static TunnelLab create(Path home, Path runFolder, String clusterId, List<Pool> pools) throws IOException, InterruptedException {
        NamespaceLab lab = NamespaceLab.create(home);
        try {
            Map<String, Pool> poolOf = new LinkedHashMap<>();
            List<Map<String, Object>> nodes = new ArrayList<>();
            for (int p = 0; p < pools.size(); p++) {
                Pool pool = pools.get(p);
                for (int i = 0; i < pool.size(); i++) {
                    String name = pool.name() + "-" + (i + 1);
                    NamespaceLab.Node node = lab.add(name, "10.244." + (10 * p + i) + ".0/24");
                    poolOf.put(name, pool);
                    Map<String, String> labels = new LinkedHashMap<>(Map.of(Raven.DEFAULT_NODE_POOL_KEY, pool.name()));
                    if (pool.edge()) {
                        labels.put("openyurt.io/is-edge-worker", "true");
                    }
                    nodes.add(Map.of("name", name, "labels", labels, "internalIps", List.of(node.address()),
                            "podCidrs", List.of(node.podCidr())));
                }
            }
            Path file = runFolder.resolve("tunnel-inventory.yaml");
            Files.createDirectories(runFolder);
            Json.yaml().writeValue(file.toFile(), Map.of("clusters", Map.of(clusterId, nodes)));
            return new TunnelLab(lab, new LocalInventory(file, clusterId, List.copyOf(poolOf.keySet())), poolOf);
        } catch (IOException | RuntimeException | InterruptedException e) {
            lab.close();
            throw e;
        }
    }

    LocalInventory inventory() {
        return inventory;
    }

    NamespaceLab lab() {
        return lab;
    }

    NamespaceLab.Node node(String name) {
        return lab.node(name);
    }

    /** The nodes of a pool, in order. */
    List<NamespaceLab.Node> pool(String pool) {
        return lab.nodes().stream().filter(node -> poolOf.containsKey(node.name()) && poolOf.get(node.name()).name().equals(pool)).toList();
    }

    @Override
    public String brokerHost() {
        return lab.hostAddress();
    }

    @Override
    public List<String> prefix(String node) {
        return lab.prefix(lab.node(node));
    }

    @Override
    public String agentHost(String node) {
        return lab.node(node).address();
    }

    @Override
    public Map<String, String> agentSettings(String node) {
        return Map.of("corvus.agent.tunnel.wireguard-interface", wireguardInterface(node), "corvus.agent.tunnel.driver",
                poolOf.get(node).driver());
    }

    /** The node's WireGuard link: unique on the machine, as wireguard-go's socket is. */
    String wireguardInterface(String node) {
        return lab.id() + "w" + lab.nodes().indexOf(lab.node(node));
    }

    @Override
    public void close() {
        lab.close();
    }
}
