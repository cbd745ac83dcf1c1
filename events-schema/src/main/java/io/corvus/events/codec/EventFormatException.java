package io.corvus.events.codec;

/**
 * An event that cannot be read: not a CloudEvent, an unknown type, or a payload that breaks its
 * JSON Schema. The message says what is wrong and where (a JSON path when there is one).
 */
public final class EventFormatException extends RuntimeException {

    public EventFormatException(String message) {
        super(message);
    }

    public EventFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
