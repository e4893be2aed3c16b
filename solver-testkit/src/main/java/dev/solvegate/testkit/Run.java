package dev.solvegate.testkit;

import dev.solvegate.proxy.TunnelNetwork;
import dev.solvegate.spi.SolveResult;
import dev.solvegate.spi.SolveTask;
import dev.solvegate.spi.Solver;
import dev.solvegate.spi.SolverSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one attempt the way the server's engine does: the solver on a virtual thread of its own, and at the
 * cut the three signals together (the context turns cancelled, the thread is interrupted, every socket of the
 * attempt's network is closed). A solver still running {@code grace} after the cut is left running and
 * reported.
 *
 * <p>Thread-safety: stateless; attempts may run at once.
 */
final class Run {

    /**
     * How an attempt ended.
     *
     * @param result what solve returned (possibly null), when it returned
     * @param thrown what solve threw, when it threw
     * @param millis from the start to the end, or to giving up on it
     * @param cut whether the kit had to cut it
     * @param stillRunning whether it was still running {@code grace} after the cut
     */
    record Ended(SolveResult result, Throwable thrown, long millis, boolean cut, boolean stillRunning) {
        String describe() {
            if (stillRunning) {
                return "still running";
            }
            if (thrown != null) {
                return "threw " + thrown.getClass().getSimpleName() + ": " + thrown.getMessage();
            }
            return switch (result) {
                case null -> "returned null";
                case SolveResult.Solved s -> "solved (token of " + s.token().length() + " chars)";
                case SolveResult.Failed f -> "failed " + f.failure() + ": " + f.detail();
            };
        }
    }

    private Run() {}

    /**
     * @param deadlineIn what the context's deadline says, from now
     * @param cutAfter when the kit cuts the attempt, from now
     */
    static Ended attempt(
            Solver solver,
            SolveTask task,
            Map<String, Object> settings,
            Kit kit,
            Duration deadlineIn,
            Duration cutAfter,
            Duration grace) {
        long start = System.nanoTime();
        TunnelNetwork network = kit.network();
        KitContext context =
                new KitContext(new SolverSettings(settings), Instant.now().plus(deadlineIn), network);
        CompletableFuture<SolveResult> done = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().name("kit-solve-" + task.taskId()).unstarted(() -> {
            try {
                done.complete(solver.solve(task, context));
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        thread.start();
        try {
            return ended(done, cutAfter, start, false);
        } catch (TimeoutException notYet) {
            context.cancel();
            thread.interrupt();
            network.close();
            try {
                return ended(done, grace, start, true);
            } catch (TimeoutException stillRunning) {
                return new Ended(null, null, millisSince(start), true, true);
            }
        } finally {
            network.close();
        }
    }

    private static Ended ended(CompletableFuture<SolveResult> done, Duration wait, long start, boolean cut)
            throws TimeoutException {
        try {
            SolveResult r = done.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            return new Ended(r, null, millisSince(start), cut, false);
        } catch (ExecutionException e) {
            return new Ended(null, e.getCause(), millisSince(start), cut, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the kit's own thread was interrupted", e);
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
