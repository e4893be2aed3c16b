package dev.solvegate.spi;

import java.time.Instant;

/**
 * What the engine gives a solver for one attempt.
 *
 * <p>Thread-safety: safe to use from the solving thread and from threads it starts for this attempt.
 */
public interface SolveContext {

    /** The template's settings for this solver. */
    SolverSettings settings();

    /** When this attempt is cut off: the earlier of the solve timeout and the task's deadline. */
    Instant deadline();

    /** Whether the engine has given up on this attempt (deadline passed, node shutting down). */
    boolean cancelled();

    /** The only way to the network: every connection goes through the task's proxy. */
    ProxiedNetwork network();
}
