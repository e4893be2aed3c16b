package dev.solvegate.spi;

import java.util.Optional;

/**
 * A solver plugin: turns one task into a token or a {@link SolveResult.Failed failure}.
 *
 * <p>Solvers are discovered with {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/dev.solvegate.spi.Solver} and give it a public no-argument constructor. A
 * template names a solver by its {@link #id()}. A plugin jar also names the SPI version it was built against
 * in its manifest ({@link SpiVersion#MANIFEST_ATTRIBUTE}); docs/PLUGINS.md shows a whole plugin build.
 *
 * <p>Thread-safety: one instance serves every task of its id, many at once, each call on its own virtual
 * thread. Keep per-task state on the stack, not in fields.
 *
 * <p>Contract of {@link #solve}:
 *
 * <ul>
 *   <li>Reach the network only through {@link SolveContext#network()}, which tunnels through the task's proxy.
 *       Opening sockets or HTTP clients of your own is a bug.
 *   <li>Return before {@link SolveContext#deadline()}. When the deadline passes or the task is cancelled the
 *       engine interrupts the calling thread and closes every connection made through the context; stop
 *       work then and return or throw.
 *   <li>Expected failures are returned as {@link SolveResult.Failed}; an exception that escapes is reported to
 *       the client as {@code ERROR_TASK_EXCEPTION} (its message is logged, never shown to the client).
 * </ul>
 *
 * <p>A solver may check a template's settings when the template is saved ({@link #checkSettings}), so a
 * mistake is refused then rather than failing every task later.
 *
 * <p>Since SPI 1.0 (see {@link SpiVersion}).
 */
public interface Solver {

    /** The id templates use to name this solver, such as {@code "test"}; lower case, stable across releases. */
    String id();

    /**
     * Whether this solver can take new work now. Asked when a task is accepted; {@code false} makes createTask
     * answer {@code ERROR_FINGERPRINT_UNAVAILABLE}. Must be cheap and must not block.
     *
     * @param settings the template's settings, never null
     */
    default boolean hasCapacity(SolverSettings settings) {
        return true;
    }

    /**
     * Checks a template's settings when the template is saved; the default accepts anything. A refusal is
     * answered to the operator with HTTP 400 naming {@code settings} and quoting the message, and the template
     * is not saved. Called on the admin API's request thread: must be cheap, must not block and must not reach
     * the network. Templates saved earlier (before the check existed, or under another version of the plugin)
     * are not checked again, so {@link #solve} must still cope with any settings.
     *
     * @param settings the settings about to be saved, never null
     * @return empty to accept them, or the reason to refuse them: one line for a person, naming the setting
     *     and the bad value, such as {@code "serviceUrl must be an absolute http(s) URL: ftp://x"}
     */
    default Optional<String> checkSettings(SolverSettings settings) {
        return Optional.empty();
    }

    /**
     * Solves one attempt of a task.
     *
     * @param task what the client asked for, never null
     * @param context settings, deadline, cancellation and the proxied network of this attempt, never null
     * @return the outcome, never null
     * @throws InterruptedException when interrupted because the attempt was cancelled or timed out
     * @throws Exception any other failure, reported as {@code ERROR_TASK_EXCEPTION}
     */
    SolveResult solve(SolveTask task, SolveContext context) throws Exception;
}
