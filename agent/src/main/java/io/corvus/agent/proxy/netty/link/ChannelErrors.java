package io.corvus.agent.proxy.netty.link;

import java.io.IOException;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import org.jboss.logging.Logger;

/**
 * How a channel's error is logged before the channel closes. What peers do (resets, broken pipes,
 * garbage, protocol errors) happens all day on a gateway and is logged at DEBUG; anything else,
 * such as running out of direct memory or a bug in a handler, at WARN with its stack trace: a
 * stream closed for it would otherwise vanish without a word.
 */
public final class ChannelErrors {

    private ChannelErrors() {
    }

    public static void log(Logger log, String where, Throwable cause) {
        if (cause instanceof IOException || cause instanceof DecoderException || cause instanceof Http2Exception
                || cause instanceof Http2FrameStreamException) {
            log.debugf("%s: %s", where, cause);
        } else {
            log.warnf(cause, "%s closed after an unexpected error", where);
        }
    }
}
