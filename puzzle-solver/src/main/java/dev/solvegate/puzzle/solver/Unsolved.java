package dev.solvegate.puzzle.solver;

import dev.solvegate.spi.Failure;

/**
 * An expected way for a solve to end without a token; {@link PuzzleSolver} turns it into a {@code
 * SolveResult.Failed} in one place. The message is shown to the client: no secrets in it.
 */
final class Unsolved extends Exception {

    private final Failure failure;

    Unsolved(Failure failure, String message) {
        super(message, null, false, false);
        this.failure = failure;
    }

    Failure failure() {
        return failure;
    }
}
