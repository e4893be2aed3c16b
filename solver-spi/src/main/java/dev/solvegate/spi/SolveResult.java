package dev.solvegate.spi;

import java.util.Objects;

/** The outcome of one solve attempt. */
public sealed interface SolveResult {

    /** A token for the client. */
    static SolveResult solved(String token) {
        return new Solved(token);
    }

    /** A failure; {@code detail} is for logs and may be shown to the client, so no secrets in it. */
    static SolveResult failed(Failure failure, String detail) {
        return new Failed(failure, detail);
    }

    /** @param token the token the challenge's site accepts, non-empty */
    record Solved(String token) implements SolveResult {
        public Solved {
            if (token == null || token.isEmpty()) {
                throw new IllegalArgumentException("token must be non-empty");
            }
        }
    }

    /**
     * @param failure which failure, never null
     * @param detail a short human-readable explanation, never null
     */
    record Failed(Failure failure, String detail) implements SolveResult {
        public Failed {
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
