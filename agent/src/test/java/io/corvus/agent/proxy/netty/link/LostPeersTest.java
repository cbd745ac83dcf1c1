package io.corvus.agent.proxy.netty.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class LostPeersTest {

    @Test
    void aLinkThatClosedWhileItsPeerTalkedIsReportedOnce() {
        LostPeers lost = new LostPeers();

        lost.closed("edge-2", new EmbeddedChannel());
        lost.closed("edge-1", new EmbeddedChannel());

        assertThat(lost.drain()).containsExactly("edge-1", "edge-2");
        assertThat(lost.drain()).isEmpty();
    }

    @Test
    void aLinkGivenUpAfterItsPeersSilenceIsNoLoss() {
        LostPeers lost = new LostPeers();
        EmbeddedChannel silent = new EmbeddedChannel();

        LostPeers.notALoss(silent);
        lost.closed("edge-1", silent);

        assertThat(lost.drain()).isEmpty();
    }

    @Test
    void aPeerThatLinkedAgainBeforeTheHeartbeatIsNotLost() {
        LostPeers lost = new LostPeers();

        lost.closed("edge-1", new EmbeddedChannel());
        lost.linked("edge-1");

        assertThat(lost.drain()).isEmpty();
    }
}
