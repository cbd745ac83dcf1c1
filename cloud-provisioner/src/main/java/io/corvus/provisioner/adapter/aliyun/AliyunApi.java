package io.corvus.provisioner.adapter.aliyun;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

import com.aliyun.tea.TeaException;
import io.corvus.events.Backoff;
import io.corvus.provisioner.app.CloudException;

/**
 * Runs Alibaba Cloud API calls. The SDKs retry nothing (not throttling, not a 503, not a
 * timeout), so this does: with exponential backoff and jitter, up to a number of attempts.
 * A call whose earlier attempt may have taken effect (timeout, 5xx) is only repeated when that is
 * safe: reads, calls made idempotent by a ClientToken, and changes whose "already done" answer is
 * known. Every failure is classified for the reconciler: transient, credentials, or needs attention.
 */
public final class AliyunApi {

    /** One SDK call. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws Exception;
    }

    /** Waits between attempts; a test passes one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final Set<String> CREDENTIAL_CODES = Set.of("InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive",
            "InvalidAccessKeyId", "SignatureDoesNotMatch", "IncompleteSignature", "InvalidSecurityToken.Expired",
            "InvalidSecurityToken.Malformed", "InvalidSecurityToken.MismatchWithAccessKey");
    /** Error code prefixes a retry cannot fix: a person has to act. */
    private static final Set<String> NEEDS_ATTENTION_PREFIXES = Set.of("Forbidden", "NoPermission", "QuotaExceed",
            "InsufficientBalance", "InvalidVpcId", "InvalidVSwitchId", "InvalidRegionId", "OperationDenied.AccountStatus",
            "UnsupportedOperation", "Account.Arrearage");

    private enum Failure { NOT_SENT, MAYBE_APPLIED, CREDENTIALS, REFUSED }

    private final int maxAttempts;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final ApiCallObserver observer;

    public AliyunApi(int maxAttempts, Backoff backoff, Sleeper sleeper, RandomGenerator random, ApiCallObserver observer) {
        this.maxAttempts = Math.max(1, maxAttempts);
        this.backoff = backoff;
        this.sleeper = sleeper;
        this.random = random;
        this.observer = observer;
    }

    /** A read, or a change that is idempotent (the same ClientToken, or setting a value): retried on every transient failure. */
    public <T> T call(String action, Call<T> call) throws CloudException {
        return invoke(action, true, Set.of(), Set.of(), call);
    }

    /** A read of one resource by id: null when the cloud answers with one of {@code absentCodes}. */
    public <T> T lookup(String action, Set<String> absentCodes, Call<T> call) throws CloudException {
        return invoke(action, true, Set.of(), absentCodes, call);
    }

    /**
     * A change that fails with one of {@code doneWhenRepeated} when it is made twice: after an attempt
     * that may have taken effect, that answer means done.
     */
    public void change(String action, Set<String> doneWhenRepeated, Call<?> call) throws CloudException {
        invoke(action, true, doneWhenRepeated, Set.of(), call);
    }

    /** A change that is not idempotent: repeated only when the cloud surely did not act (throttled, not sent). */
    public <T> T once(String action, Call<T> call) throws CloudException {
        return invoke(action, false, Set.of(), Set.of(), call);
    }

    private <T> T invoke(String action, boolean repeatable, Set<String> doneWhenRepeated, Set<String> absentCodes, Call<T> call)
            throws CloudException {
        boolean mayHaveTakenEffect = false;
        for (int attempt = 1; ; attempt++) {
            observer.before(action);
            Exception error;
            try {
                T result = call.run();
                observer.after(action, "ok");
                return result;
            } catch (Exception e) {
                error = e;
            }
            String code = code(error);
            Failure failure = classify(error, code);
            observer.after(action, code != null ? code : failure == Failure.NOT_SENT ? "network" : "timeout");
            if (code != null && (absentCodes.contains(code) || (mayHaveTakenEffect && doneWhenRepeated.contains(code)))) {
                return null;
            }
            boolean retry = failure == Failure.NOT_SENT || (failure == Failure.MAYBE_APPLIED && repeatable);
            if (!retry || attempt >= maxAttempts) {
                throw toCloudException(action, attempt, failure, code, error);
            }
            mayHaveTakenEffect |= failure == Failure.MAYBE_APPLIED;
            try {
                sleeper.sleep(backoff.delay(attempt, random));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new CloudException(CloudException.Kind.TRANSIENT, action + ": interrupted while waiting to retry");
            }
        }
    }

    private static Failure classify(Exception error, String code) {
        if (code != null) {
            Integer status = status(error);
            if (code.startsWith("Throttling")) {
                return Failure.NOT_SENT;
            }
            if (CREDENTIAL_CODES.contains(code)) {
                return Failure.CREDENTIALS;
            }
            return status != null && status >= 500 ? Failure.MAYBE_APPLIED : Failure.REFUSED;
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return Failure.NOT_SENT;
            }
            if (cause instanceof InterruptedIOException || cause instanceof IOException) {
                return Failure.MAYBE_APPLIED;
            }
        }
        return Failure.MAYBE_APPLIED; // an unreadable reply: the request may well have been applied
    }

    private static CloudException toCloudException(String action, int attempts, Failure failure, String code, Exception error) {
        String tried = attempts > 1 ? " (after " + attempts + " attempts)" : "";
        return switch (failure) {
            case CREDENTIALS -> new CloudException(CloudException.Kind.CREDENTIALS,
                    action + ": Alibaba Cloud refused the credentials: " + code + ": " + message(error), code, error);
            case REFUSED -> new CloudException(NEEDS_ATTENTION_PREFIXES.stream().anyMatch(code::startsWith)
                    ? CloudException.Kind.NEEDS_ATTENTION : CloudException.Kind.TRANSIENT,
                    action + tried + ": " + code + ": " + message(error), code, error);
            case NOT_SENT, MAYBE_APPLIED -> new CloudException(CloudException.Kind.TRANSIENT,
                    action + tried + ": " + (code != null ? code + ": " + message(error) : describe(error)), code, error);
        };
    }

    /** The cloud's error code, or null when the call failed before an answer (timeout, network). */
    static String code(Exception error) {
        if (error instanceof TeaException tea && tea.getCode() != null && !tea.getCode().isBlank() && !"null".equals(tea.getCode())) {
            return tea.getCode();
        }
        return null;
    }

    private static Integer status(Exception error) {
        if (!(error instanceof TeaException tea)) {
            return null;
        }
        if (tea.getStatusCode() != null) {
            return tea.getStatusCode();
        }
        Map<String, Object> data = tea.getData();
        return data != null && data.get("statusCode") instanceof Number n ? n.intValue() : null;
    }

    private static String message(Exception error) {
        String message = error.getMessage();
        return message == null ? error.getClass().getSimpleName() : message;
    }

    private static String describe(Exception error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return (root instanceof InterruptedIOException ? "no answer in time: " : "") + root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
