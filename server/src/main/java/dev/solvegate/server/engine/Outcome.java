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

    static Outcome failed(ErrorCode code) {
        return new Failed(code, code.description());
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
                        : "Solve phase exceeded the " + amount + " timeout");
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
     * @param description what the client reads (the catalogue's, or one naming the configured limit)
     */
    record Failed(ErrorCode code, String description) implements Outcome {
        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(description, "description");
        }

        @Override
        public boolean retryable() {
            return code.retryable();
        }

        @Override
        public String label() {
            return code.name();
        }
    }
}
