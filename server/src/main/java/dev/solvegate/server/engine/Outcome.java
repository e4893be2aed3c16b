package dev.solvegate.server.engine;

import dev.solvegate.server.core.ErrorCode;
import java.time.Duration;
import java.util.Objects;

/**
 * How a solve attempt, or a whole task, ended: a token or a catalogue error. Thread-safety: immutable.
 */
sealed interface Outcome {

    /** Whether another attempt may be run (the catalogue's retryable flag; a token never is). */
    boolean retryable();

    /** The label used in metrics: {@code ready} or the error code. */
    String label();

    static Outcome solved(String token) {
        return new Solved(token);
    }

    /** A failure with the catalogue's description, retried when the catalogue marks the code retryable. */
    static Outcome failed(ErrorCode code) {
        return new Failed(code, code.description(), code.retryable());
    }

    /**
     * A timeout, described with the limit that was configured ({@code "Task exceeded the 2-second total
     * timeout"}); with the defaults (300 s, 120 s) the catalogue's own words.
     */
    static Outcome timedOut(ErrorCode code, Duration limit) {
        String amount =
                limit.toMillis() % 1000 == 0 ? limit.toSeconds() + "-second" : limit.toMillis() + "-millisecond";
        return new Failed(
                code,
                code == ErrorCode.ERROR_TASK_TIMEOUT
                        ? "Task exceeded the " + amount + " total timeout"
                        : "Solve phase exceeded the " + amount + " timeout",
                code.retryable());
    }

    /**
     * A failure no retry can fix (such as a proxy that refused the credentials), even when its code is
     * retryable in the catalogue; {@code description} is what the client sees.
     */
    static Outcome failedFinally(ErrorCode code, String description) {
        return new Failed(code, description, false);
    }

    /** The end of a task its client cancelled ({@code cancelTask}). */
    static Outcome cancelledByClient() {
        return new Failed(ErrorCode.ERROR_TASK_CANCELLED, "Task was cancelled by the client", false);
    }

    /** @param token the solver's token, non-empty */
    record Solved(String token) implements Outcome {
        public Solved {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public boolean retryable() {
            return false;
        }

        @Override
        public String label() {
            return "ready";
        }
    }

    /**
     * @param code the catalogue error the client will see
     * @param description what the client reads (the catalogue's, or one naming the configured limit; never a
     *     secret)
     * @param retryable whether another attempt may help
     */
    record Failed(ErrorCode code, String description, boolean retryable) implements Outcome {
        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(description, "description");
        }

        @Override
        public String label() {
            return code.name();
        }
    }
}
