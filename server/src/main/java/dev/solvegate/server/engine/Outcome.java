package dev.solvegate.server.engine;

import dev.solvegate.server.core.ErrorCode;
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
        return new Failed(code);
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

    /** @param code the catalogue error the client will see */
    record Failed(ErrorCode code) implements Outcome {
        public Failed {
            Objects.requireNonNull(code, "code");
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
