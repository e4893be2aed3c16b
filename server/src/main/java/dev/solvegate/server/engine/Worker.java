package dev.solvegate.server.engine;

import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.solver.Solvers;
import dev.solvegate.server.store.DatabaseFaults;
import dev.solvegate.server.task.ClaimedTask;
import dev.solvegate.server.task.NewTask;
import dev.solvegate.server.task.TaskCodec;
import dev.solvegate.server.task.Tasks;
import dev.solvegate.spi.SolveTask;
import dev.solvegate.spi.Solver;
import dev.solvegate.spi.SolverSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Runs one claimed task to its end on this node: attempts under the deadline rules, then settlement.
 *
 * <p>Deadline rules: an attempt may run until the earlier of now + solve timeout and the task's deadline.
 * An attempt cut off by the task's deadline ends the task with {@code ERROR_TASK_TIMEOUT}; one cut off by the
 * solve timeout is {@code ERROR_SOLVE_TIMEOUT}. A retryable outcome is tried again only while the task has
 * had fewer than {@code SOLVEGATE_MAX_ATTEMPTS} attempts (counted in the database, so attempts on a node that
 * died count too) and a whole attempt still fits before the deadline, after a pause that doubles with each
 * retry ({@link Attempts#pauseBefore}) so that a solver failing at once does not spin; otherwise the task ends
 * with the last attempt's outcome. A failure no retry can fix (a proxy that refused the credentials) is not
 * retried at all.
 *
 * <p>{@link #stop} asks the worker to give the task up, either handing it back to the queue (shutdown) or
 * abandoning it (this node's lease is lost). Only the solver's thread is ever interrupted: the worker's own
 * thread may be inside a database call, and interrupting a virtual thread in socket I/O would break it.
 *
 * <p>Thread-safety: {@link #stop} may be called from any thread; {@link #run} once, on the worker's thread.
 */
final class Worker {

    /** Why a worker gives its task up. */
    enum Stop {
        HAND_BACK,
        ABANDON
    }

    private static final System.Logger LOG = System.getLogger(Worker.class.getName());

    /** Tries of a settlement whose connection was lost. */
    private static final int SETTLE_TRIES = 3;

    private final ClaimedTask task;
    private final Attempts attempts;
    private final NodeQueue queue;
    private final Settlement settlement;
    private final Clock clock;
    private final BooleanSupplier draining;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Stop stop;
    private volatile Attempt current;
    /** Whether this worker ended its task, or learnt it was no longer its own, or handed it back. */
    private volatile boolean done;
    /** The task's attempt number this worker runs (its fencing token): set at claim, counted up per retry. */
    private volatile int attemptNo;

    Worker(
            ClaimedTask task,
            Attempts attempts,
            NodeQueue queue,
            Settlement settlement,
            Clock clock,
            BooleanSupplier draining) {
        this.task = task;
        this.attempts = attempts;
        this.queue = queue;
        this.settlement = settlement;
        this.clock = clock;
        this.draining = draining;
        this.attemptNo = task.attempt();
    }

    long taskId() {
        return task.id();
    }

    /** The attempt of its task this worker runs now. */
    int attempt() {
        return attemptNo;
    }

    /**
     * After {@link #run}: whether this worker left its task still held by this node, neither ended nor handed back
     * (abandoned, or its settlement could not reach the database). Such a task's attempt did run.
     */
    boolean leftHeld() {
        return !done;
    }

    /** Asks the worker to give its task up; the running attempt is cancelled at once. */
    void stop(Stop reason) {
        if (stop == null) {
            stop = reason;
        }
        stopped.countDown();
        Attempt a = current;
        if (a != null) {
            a.cancel();
        }
    }

    void run() {
        Outcome outcome;
        try {
            outcome = solve();
        } catch (Stopped s) {
            giveUp();
            return;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "task " + task.id() + ": could not be run", e);
            outcome = Outcome.failed(ErrorCode.ERROR_TASK_EXCEPTION);
        }
        if (stop == Stop.ABANDON) {
            return;
        }
        settle(outcome);
    }

    /**
     * Settles the task's end. A settlement whose connection was lost (a backend terminated, a database restarting)
     * is tried again a few times while the lease lasts: its guard makes a second try harmless, since a first that
     * did commit leaves nothing for the second to match. After that the task stays under this node's lease, and is
     * handed back or swept.
     */
    private void settle(Outcome end) {
        for (int attempt = 1; ; attempt++) {
            try {
                if (!settlement.settle(task.id(), end, Tasks.Guard.attempt(queue.owner(), attemptNo))) {
                    LOG.log(
                            System.Logger.Level.INFO,
                            "task " + task.id() + ": attempt " + attemptNo
                                    + " was taken from this worker (or already settled); not settled");
                }
                done = true;
                return;
            } catch (RuntimeException e) {
                if (attempt >= SETTLE_TRIES || !DatabaseFaults.unreachable(e) || stop == Stop.ABANDON) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "task " + task.id() + ": not settled; its lease will expire: " + e);
                    return;
                }
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private Outcome solve() throws Stopped {
        Solver solver = attempts.solver(task).orElse(null);
        if (solver == null) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "task " + task.id() + ": no solver " + task.solver() + " on this node");
            return Outcome.failed(ErrorCode.ERROR_TASK_EXCEPTION);
        }
        NewTask request = TaskCodec.decode(task.request());
        SolverSettings settings = Solvers.settings(task.settings());
        SolveTask solveTask = new SolveTask(
                task.id(),
                request.websiteUrl(),
                request.websitePublicKey(),
                request.websiteSubdomain(),
                request.data(),
                request.headers(),
                request.userAgent());
        long solveMillis = attempts.solveMillis();
        if (attemptNo > attempts.maxAttempts()) {
            // handed back after its last attempt was cut short (a node shut down): it had all its attempts
            return Outcome.failed(ErrorCode.ERROR_TASK_CANCELLED);
        }
        while (true) {
            long start = clock.millis();
            if (start >= task.deadline()) {
                return taskTimedOut();
            }
            boolean cutByTask = task.deadline() < start + solveMillis;
            long end = Math.min(start + solveMillis, task.deadline());
            Attempt run = attempts.attempt(request, solveTask, solver, settings, end);
            Outcome outcome = attempt(run, end, cutByTask);
            attempts.counted(solver, outcome, clock.millis() - start);
            long pause = attempts.pauseBefore(attemptNo + 1);
            if (!outcome.retryable()
                    || attemptNo >= attempts.maxAttempts()
                    || clock.millis() + pause + solveMillis > task.deadline()) {
                return outcome;
            }
            if (pauseInterrupted(pause) || draining.getAsBoolean()) {
                throw new Stopped();
            }
            if (clock.millis() + solveMillis > task.deadline()) {
                return outcome; // the pause ran long (a loaded node): no whole attempt fits any more
            }
            boolean owned;
            try {
                owned = queue.startAttempt(task.id(), attemptNo);
            } catch (RuntimeException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "task " + task.id() + ": retry not recorded; ending with the last outcome",
                        e);
                return outcome;
            }
            if (!owned) {
                done = true; // taken from this node: nothing of it is left here
                stop(Stop.ABANDON);
                throw new Stopped();
            }
            attemptNo++;
        }
    }

    /** Waits {@code millis} before a retry; true when told to stop meanwhile. */
    private boolean pauseInterrupted(long millis) throws Stopped {
        try {
            return stopped.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
    }

    private Outcome attempt(Attempt attempt, long end, boolean cutByTask) throws Stopped {
        current = attempt;
        if (stop != null) {
            attempt.cancel();
            throw new Stopped();
        }
        attempt.start(task.id());
        try {
            long wait = Math.max(0, end - clock.millis());
            return attempt.result().get(wait, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return cutByTask
                    ? taskTimedOut()
                    : Outcome.timedOut(ErrorCode.ERROR_SOLVE_TIMEOUT, Duration.ofMillis(attempts.solveMillis()));
        } catch (CancellationException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new Stopped();
        } catch (ExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "task " + task.id() + ": attempt failed", e.getCause());
            return Outcome.failed(ErrorCode.ERROR_TASK_EXCEPTION);
        } finally {
            attempt.cancel();
            current = null;
        }
    }

    /** The task's whole deadline passed; its limit is the one it was admitted with. */
    private Outcome taskTimedOut() {
        return Outcome.timedOut(ErrorCode.ERROR_TASK_TIMEOUT, Duration.ofMillis(task.deadline() - task.createdAt()));
    }

    private void giveUp() {
        if (stop != Stop.HAND_BACK && !draining.getAsBoolean()) {
            return;
        }
        try {
            if (queue.handBack(task.id(), attemptNo)) {
                LOG.log(System.Logger.Level.INFO, "task " + task.id() + ": handed back to the queue");
            }
            done = true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "task " + task.id() + ": not handed back; its lease will expire", e);
        }
    }

    /** The worker was told to stop before its task ended. */
    private static final class Stopped extends Exception {
        Stopped() {
            super(null, null, false, false);
        }
    }
}
