package io.corvus.launcher;

/**
 * A command that cannot do what was asked, with the message the user reads and the exit code a
 * script tests. {@link CorvusCommand} prints the message and exits with the code.
 */
final class CliFailure extends RuntimeException {

    /** The exit codes every command keeps to (2 is picocli's: the command line itself is wrong). */
    enum Exit {
        /** a check failed, or the server refused the change as invalid */
        FAILED(1),
        /** no configuration (or nothing else) by that name */
        NOT_FOUND(3),
        /** someone else changed the configuration in between; run again */
        CONFLICT(4),
        /** the token is missing, unknown, or may not do this */
        NOT_ALLOWED(5),
        /** config-service or the broker could not be reached in time */
        UNREACHABLE(6);

        private final int code;

        Exit(int code) {
            this.code = code;
        }

        int code() {
            return code;
        }
    }

    private final Exit exit;

    CliFailure(Exit exit, String message) {
        super(message);
        this.exit = exit;
    }

    int exitCode() {
        return exit.code();
    }
}
