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

    private static final AttributeKey<Boolean> GAVE_UP_ON_SILENCE = AttributeKey.valueOf("corvus.gave-up-on-silence");

    private final Set<String> lost = ConcurrentHashMap.newKeySet();

    /** Marks a link this side closes because its peer went silent. */
    static void givingUpOnSilence(Channel link) {
        link.attr(GAVE_UP_ON_SILENCE).set(true);
    }

    /** The current link to {@code node} closed (not one a newer link of the node replaced). */
    public void closed(String node, Channel link) {
        if (!Boolean.TRUE.equals(link.attr(GAVE_UP_ON_SILENCE).get())) {
            lost.add(node);
        }
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
