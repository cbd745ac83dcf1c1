package io.corvus.agent.proxy;

import java.util.Map;
import java.util.Optional;

/**
 * What a link's peer may make this agent hold: bytes that arrived for streams whose readers have
 * not taken them yet (a kubelet that stopped reading, a client that stopped reading an answer).
 * The budget is the link's HTTP/2 connection window, so the peer can never send more than that
 * ahead. But a budget filled by stalled streams would stop every other stream too, the fault of a
 * single shared window (ANP#881). So once the held bytes pass {@code shedAbove}, the streams holding
 * the most give way (they are reset) until the rest fits, as Envoy's overload manager resets its
 * high-memory streams. A stream whose socket takes what it reads holds nothing once the write is
 * done, so it is never among them; a hundred stalled streams holding a little each are, biggest
 * first. What a relay queued to its socket counts until the socket's kernel took it.
 * <p>
 * An agent with many links (a cloud gateway serves every edge pool) could hold {@code shedAbove}
 * on each; past {@code agentShedAbove} held over all its links, the link holding the most
 * resets its biggest stream.
 *
 * @param bytes          the connection window: the most the peer can have sent that no socket took yet
 * @param shedAbove      held bytes on one link above which its biggest holders are reset; the rest
 *                       of the window is room for the streams that still read
 * @param agentShedAbove held bytes over all the agent's links above which the biggest holder of
 *                       the link holding the most is reset
 */
public record ReceiveBudget(int bytes, int shedAbove, long agentShedAbove) {

    public ReceiveBudget {
        if (shedAbove <= 0 || shedAbove >= bytes || agentShedAbove < shedAbove) {
            throw new IllegalArgumentException("a receive budget needs 0 < shedAbove < bytes and agentShedAbove >= shedAbove, got bytes="
                    + bytes + " shedAbove=" + shedAbove + " agentShedAbove=" + agentShedAbove);
        }
    }

    /** True when the held bytes leave too little room for the link's streams that still read. */
    public boolean overdrawn(long held) {
        return held > shedAbove;
    }

    /** True when the agent's links together hold more than it allows. */
    public boolean agentOverdrawn(long heldOverAllLinks) {
        return heldOverAllLinks > agentShedAbove;
    }

    /** The stream to reset next: the one holding the most, if any holds anything. */
    public <S> Optional<S> streamToShed(Map<S, Integer> heldByStream) {
        S biggest = null;
        int most = 0;
        for (Map.Entry<S, Integer> held : heldByStream.entrySet()) {
            if (held.getValue() > most) {
                biggest = held.getKey();
                most = held.getValue();
            }
        }
        return Optional.ofNullable(biggest);
    }
}
