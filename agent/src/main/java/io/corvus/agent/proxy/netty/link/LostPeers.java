package io.corvus.agent.proxy.netty.link;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The peers whose proxy link closed while they were still talking, until a heartbeat reports
 * them. A process that dies has its connections closed by its kernel at once, so this is the
 * fastest sign of a dead gateway. A link this side gave up after the peer's silence (a frozen
 * node, a cut network) is not listed: silent losses keep the heartbeat window.
 */
public final class LostPeers {

    private static final AttributeKey<Boolean> NOT_A_LOSS = AttributeKey.valueOf("corvus.not-a-loss");

    private final Set<String> lost = ConcurrentHashMap.newKeySet();

    /** Marks a link this side closes itself: because its peer went silent, or on purpose (a role that ended). */
    public static void notALoss(Channel link) {
        link.attr(NOT_A_LOSS).set(true);
    }

    /**
     * The current link to {@code node} closed (not one a newer link of the node replaced).
     *
     * @return whether that counts as a loss
     */
    public boolean closed(String node, Channel link) {
        boolean loss = !Boolean.TRUE.equals(link.attr(NOT_A_LOSS).get());
        if (loss) {
            lost.add(node);
        }
        return loss;
    }

    /** The node has a link again: it is not lost. */
    public void linked(String node) {
        lost.remove(node);
    }

    /** The peers lost since the last call, each reported once. */
    public List<String> drain() {
        List<String> drained = new ArrayList<>();
        for (String node : List.copyOf(lost)) {
            if (lost.remove(node)) {
                drained.add(node);
            }
        }
        drained.sort(null);
        return drained;
    }
}
