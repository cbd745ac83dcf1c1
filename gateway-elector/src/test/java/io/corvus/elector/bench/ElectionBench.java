package io.corvus.elector.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.corvus.elector.domain.Election;
import io.corvus.elector.domain.ElectionSettings;
import io.corvus.elector.domain.NodeHealth;
import io.corvus.events.Raven;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import io.corvus.events.payload.NodeObserved;

/**
 * Full recompute of one cluster's election: 100,000 nodes in 10,000 pools (by default), first
 * from nothing (every gateway new), then the steady recompute that finds nothing changed, then
 * a recompute after 1% of the nodes went stale. Run by bench/election.sh; prints name=value lines.
 */
public final class ElectionBench {

    private ElectionBench() {
    }

    public static void main(String[] args) {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int pools = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Instant now = Instant.parse("2026-11-26T08:00:00Z");
        List<NodeObserved> inventory = new ArrayList<>(nodes);
        Map<String, NodeHealth> healthy = new HashMap<>();
        Map<String, NodeHealth> onePercentStale = new HashMap<>();
        for (int i = 0; i < nodes; i++) {
            String name = "node-" + i;
            inventory.add(NodeObserved.of("bench", name, Map.of(Raven.DEFAULT_NODE_POOL_KEY, "pool-" + (i % pools)), true,
                    List.of("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255)), List.of(),
                    List.of("172.16." + (i & 255) + ".0/24"), now));
            healthy.put(name, NodeHealth.heardAt(now));
            onePercentStale.put(name, NodeHealth.heardAt(i % 100 == 0 ? now.minusSeconds(60) : now));
        }
        NetworkConfig config = new NetworkConfig(new NetworkConfig.ModeSettings(true), NetworkConfig.TunnelSettings.OFF.enabled(true),
                List.of(), Map.of(), new NetworkConfig.NodeLabels("apps.openyurt.io/nodepool", "openyurt.io/is-edge-worker=true"),
                NetworkConfig.CloudSettings.local(100));
        ElectionSettings settings = ElectionSettings.DEFAULTS;

        Map<String, GatewayTopology> first = Election.decide(input(config, inventory, healthy, Map.of(), now, settings));
        double initial = timeMillis(() -> Election.decide(input(config, inventory, healthy, Map.of(), now, settings)));
        double steady = timeMillis(() -> Election.decide(input(config, inventory, healthy, first, now, settings)));
        double failover = timeMillis(() -> Election.decide(input(config, inventory, onePercentStale, first, now, settings)));
        int moved = Election.decide(input(config, inventory, onePercentStale, first, now, settings)).size();

        System.out.printf(Locale.ROOT, "nodes=%d%npools=%d%ngateways=%d%n", nodes, pools, first.size());
        System.out.printf(Locale.ROOT, "recompute_initial_ms=%.1f%nrecompute_steady_ms=%.1f%nrecompute_after_1pct_stale_ms=%.1f%n",
                initial, steady, failover);
        System.out.printf(Locale.ROOT, "gateways_changed_after_1pct_stale=%d%ngoal_recompute_ms=100%nsteady_within_goal=%s%n",
                moved, steady <= 100);
    }

    private static Election.Input input(NetworkConfig config, List<NodeObserved> nodes, Map<String, NodeHealth> health,
            Map<String, GatewayTopology> previous, Instant now, ElectionSettings settings) {
        return new Election.Input("bench", config, nodes, health, previous, null, now, settings);
    }

    /** The median of 15 timed runs after 10 warm-up runs. */
    private static double timeMillis(Runnable run) {
        for (int i = 0; i < 10; i++) {
            run.run();
        }
        double[] samples = new double[15];
        for (int i = 0; i < samples.length; i++) {
            long start = System.nanoTime();
            run.run();
            samples[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(samples);
        return samples[samples.length / 2];
    }
}
