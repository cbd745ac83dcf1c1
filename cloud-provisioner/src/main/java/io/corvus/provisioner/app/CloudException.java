package io.corvus.provisioner.app;

/**
 * A cloud call that did not succeed, classified by what helps: wait and retry, fix the
 * credentials, or have a person fix something a retry cannot. The message says what the cloud
 * answered and, where it can, what to do; it never carries a credential.
 */
public final class CloudException extends Exception {

    public enum Kind {
        /** throttling, a 5xx, a timeout, an unreadable reply: retried with backoff */
        TRANSIENT,
        /** credentials missing or refused: retried with backoff, so a fixed Secret is picked up */
        CREDENTIALS,
        /** needs a person (two resources claim the cluster, a backend is not an instance, a quota): retried rarely */
        NEEDS_ATTENTION
    }

    private final Kind kind;
    private final String code;

    public CloudException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public CloudException(Kind kind, String message, Throwable cause) {
        this(kind, message, null, cause);
    }

    /** @param code the cloud's error code, when the cloud answered with one */
    public CloudException(Kind kind, String message, String code, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    /** The cloud's error code, or null when there was no answer (timeout) or the failure is not the cloud's. */
    public String code() {
        return code;
    }
}
