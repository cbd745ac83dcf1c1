package io.corvus.elector.adapter.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.corvus.events.ClusterPartitioner;
import io.corvus.events.Topic;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.service.work.ClusterWorkQueue;

/**
 * An elector replica in a process of its own, for a test that pauses it for real (SIGSTOP, then
 * SIGCONT). When it wakes, it does what a replica frozen in the middle of a publication does: it
 * publishes the next topology of the cluster it holds, believing it still owns the partition, and
 * prints the outcome. Arguments: the broker's bootstrap servers and the cluster's id.
 */
public final class PausableElector {

    static final String OWNS_ALL = "owns every partition";
    static final String WOKE = "woke from a pause: ";
    static final String ZOMBIE_ENDPOINT = "zombie-choice";
    private static final Duration PAUSE = Duration.ofSeconds(3);

    private PausableElector() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String cluster = args[1];
        int partition = ClusterPartitioner.partitionFor(cluster, Topic.PARTITIONS);
        try (ElectorReplica replica = new ElectorReplica(bootstrap, ElectorReplica.SETTINGS)) {
            while (replica.owned().size() < Topic.PARTITIONS) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            System.out.println(OWNS_ALL);
            long last = System.nanoTime();
            GatewayTopology held = null; // what it would publish from: the newest topology it knew before the pause
            while (true) {
                TimeUnit.MILLISECONDS.sleep(100); // a watch on the clock: a long gap between two turns is the pause
                long now = System.nanoTime();
                if (now - last > PAUSE.toNanos() && held != null) {
                    boolean believed = replica.owned().contains(partition);
                    System.out.println(WOKE + publishNext(replica, held) + (believed ? ", still believing it owned the partition"
                            : ", after its consumer had given the partition up"));
                }
                last = now;
                held = replica.loop().topologies(cluster).values().stream().findFirst().orElse(held);
            }
        }
    }

    private static String publishNext(ElectorReplica replica, GatewayTopology held) throws Exception {
        try {
            replica.topologies().publish(List.of(new GatewayTopology(held.clusterId(), held.gatewayName(), held.generation() + 1,
                    held.nodePool(), held.edge(), held.proxyEnabled(), held.tunnelEnabled(),
                    List.of(GatewayTopology.Endpoint.proxy(ZOMBIE_ENDPOINT, "192.168.0.9")), held.members(), held.cloudExposure(),
                    held.accessControlList(), held.publishedAt(), held.tunnelNetwork())));
            return "PUBLISHED";
        } catch (ClusterWorkQueue.Fenced fenced) {
            return "FENCED";
        }
    }
}
