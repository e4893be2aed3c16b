package dev.solvegate.server.engine;

import dev.solvegate.proxy.ProxyDialer;
import dev.solvegate.server.metrics.Metrics;
import dev.solvegate.server.solver.Solvers;
import dev.solvegate.server.task.ClaimedTask;
import dev.solvegate.server.task.NewTask;
import dev.solvegate.spi.SolveTask;
import dev.solvegate.spi.Solver;
import dev.solvegate.spi.SolverSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How this node runs one solve attempt: which solver, through which dialer, for how long at most, and what is
 * counted of it. Thread-safety: immutable apart from its collaborators, which are safe for concurrent use.
 */
final class Attempts {

    private final Solvers solvers;
    private final ProxyDialer dialer;
    private final Metrics metrics;
    private final long solveMillis;
    private final int maxAttempts;

    Attempts(Solvers solvers, ProxyDialer dialer, Metrics metrics, Duration solveTimeout, int maxAttempts) {
        this.solvers = solvers;
        this.dialer = dialer;
        this.metrics = metrics;
        this.solveMillis = solveTimeout.toMillis();
        this.maxAttempts = maxAttempts;
    }

    /** {@code SOLVEGATE_MAX_ATTEMPTS}: attempts per task at most, on all nodes together. */
    int maxAttempts() {
        return maxAttempts;
    }

    /**
     * The pause before attempt {@code next} (2, 3, …): a quarter of the solve timeout, at most 1 s, doubled for
     * each attempt already retried (1 s, 2 s, 4 s … with the defaults), at most 30 s.
     */
    long pauseBefore(int next) {
        long base = Math.min(1000, solveMillis / 4);
        return Math.min(30_000, base << Math.min(20, Math.max(0, next - 2)));
    }

    /** The solver a claimed task names, if this node has it. */
    Optional<Solver> solver(ClaimedTask task) {
        return solvers.find(task.solver());
    }

    /** {@code SOLVEGATE_SOLVE_TIMEOUT}, in milliseconds. */
    long solveMillis() {
        return solveMillis;
    }

    /** A new attempt, not started, that is cut off at {@code endMillis}. */
    Attempt attempt(NewTask request, SolveTask task, Solver solver, SolverSettings settings, long endMillis) {
        return new Attempt(dialer, request, task, solver, settings, Instant.ofEpochMilli(endMillis));
    }

    /** Counts one finished attempt of {@code solver}. */
    void counted(Solver solver, Outcome outcome, long millis) {
        metrics.attempt(solver.id(), outcome.label(), millis);
    }
}
